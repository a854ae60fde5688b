"""Textbook style: dropout from scratch, then with ``nn.Dropout``.

``dropout_layer`` keeps each unit with a mask ``(torch.rand(X.shape) > dropout).float()``
and rescales by ``1 / (1 - dropout)``; the from-scratch ``Net`` applies it only while
``self.training``; the concise net puts ``nn.Dropout`` between ``nn.Linear`` layers.
Both train with ``nn.CrossEntropyLoss(reduction='none')`` and ``torch.optim.SGD``.
With ``dropout1 = dropout2 = 0`` both runs are deterministic.
"""
from corpus_common import classification_data, init_model


def main(torch, steps: int = 3, dropout: tuple = (0.2, 0.5), lr: float = 0.2, batch_size: int = 16) -> list:
    """Train both nets for ``steps`` epochs; return their batch losses then each one's eval-mode loss."""
    nn = torch.nn
    dropout1, dropout2 = dropout

    def dropout_layer(X, dropout):
        assert 0 <= dropout <= 1
        if dropout == 1:
            return torch.zeros_like(X)
        if dropout == 0:
            return X
        mask = (torch.rand(X.shape) > dropout).float()
        return mask * X / (1.0 - dropout)

    num_inputs, num_outputs, num_hiddens1, num_hiddens2 = 36, 4, 32, 16

    class Net(nn.Module):
        def __init__(self, num_inputs, num_outputs, num_hiddens1, num_hiddens2, is_training=True):
            super(Net, self).__init__()
            self.num_inputs = num_inputs
            self.training = is_training
            self.lin1 = nn.Linear(num_inputs, num_hiddens1)
            self.lin2 = nn.Linear(num_hiddens1, num_hiddens2)
            self.lin3 = nn.Linear(num_hiddens2, num_outputs)
            self.relu = nn.ReLU()

        def forward(self, X):
            H1 = self.relu(self.lin1(X.reshape((-1, self.num_inputs))))
            if self.training:
                H1 = dropout_layer(H1, dropout1)
            H2 = self.relu(self.lin2(H1))
            if self.training:
                H2 = dropout_layer(H2, dropout2)
            out = self.lin3(H2)
            return out

    x, y = classification_data(60, 128, (1, 6, 6), 4)
    X_all, y_all = torch.tensor(x), torch.tensor(y)
    train_iter = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(X_all, y_all), batch_size=batch_size)
    loss = nn.CrossEntropyLoss(reduction="none")
    losses = []

    scratch = init_model(torch, Net(num_inputs, num_outputs, num_hiddens1, num_hiddens2), seed=60)
    concise = nn.Sequential(nn.Flatten(),
                            nn.Linear(num_inputs, num_hiddens1), nn.ReLU(), nn.Dropout(dropout1),
                            nn.Linear(num_hiddens1, num_hiddens2), nn.ReLU(), nn.Dropout(dropout2),
                            nn.Linear(num_hiddens2, num_outputs))
    init_model(torch, concise, seed=61)

    for net in (scratch, concise):
        trainer = torch.optim.SGD(net.parameters(), lr=lr)
        for epoch in range(steps):
            net.train()
            for X, y_ in train_iter:
                l = loss(net(X), y_)
                trainer.zero_grad()
                l.mean().backward()
                trainer.step()
                losses.append(l.mean().item())
        net.eval()
        with torch.no_grad():
            losses.append(loss(net(X_all), y_all).mean().item())
    if __name__ == "__main__":
        print("eval losses: scratch", losses[len(losses) // 2 - 1], "concise", losses[-1])
    return losses


if __name__ == "__main__":
    import tinygrad_course as torch
    main(torch)
