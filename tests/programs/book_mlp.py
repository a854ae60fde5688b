"""Textbook style: multilayer perceptrons, from scratch and concise.

From scratch: parameters ``nn.Parameter(torch.randn(...) * 0.01)``, a hand-written
``relu`` as ``torch.max(X, torch.zeros_like(X))``, ``nn.CrossEntropyLoss(reduction='none')``
and ``torch.optim.SGD``. Concise: ``nn.Sequential(nn.Flatten(), nn.Linear, nn.ReLU,
nn.Linear)`` initialised by ``net.apply(init_weights)`` with ``nn.init.normal_``.
"""
import numpy as np

from corpus_common import classification_data, init_model, set_values


def main(torch, steps: int = 3, lr: float = 0.1, batch_size: int = 16) -> list:
    """Train both MLPs for ``steps`` epochs each; return the scratch losses then the concise losses."""
    nn = torch.nn
    x, y = classification_data(50, 128, (1, 6, 6), 4)
    train_iter = torch.utils.data.DataLoader(
        torch.utils.data.TensorDataset(torch.tensor(x), torch.tensor(y)), batch_size=batch_size)
    num_inputs, num_outputs, num_hiddens = 36, 4, 32
    loss = nn.CrossEntropyLoss(reduction="none")
    losses = []

    # --- from scratch ---
    W1 = nn.Parameter(torch.randn(num_inputs, num_hiddens, requires_grad=True) * 0.01)
    b1 = nn.Parameter(torch.zeros(num_hiddens, requires_grad=True))
    W2 = nn.Parameter(torch.randn(num_hiddens, num_outputs, requires_grad=True) * 0.01)
    b2 = nn.Parameter(torch.zeros(num_outputs, requires_grad=True))
    params = [W1, b1, W2, b2]
    gen = np.random.default_rng(50)
    # the book's 0.01 scale stalls a tiny net: start from a Glorot-sized NumPy draw instead
    set_values(torch, [W1, W2], [gen.normal(0, 0.2, (num_inputs, num_hiddens)),
                                 gen.normal(0, 0.2, (num_hiddens, num_outputs))])

    def relu(X):
        a = torch.zeros_like(X)
        return torch.max(X, a)

    def net(X):
        X = X.reshape((-1, num_inputs))
        H = relu(X @ W1 + b1)
        return (H @ W2 + b2)

    updater = torch.optim.SGD(params, lr=lr)
    for epoch in range(steps):
        for X, y_ in train_iter:
            updater.zero_grad()
            l = loss(net(X), y_)
            l.mean().backward()
            updater.step()
            losses.append(l.mean().item())

    # --- concise ---
    net2 = nn.Sequential(nn.Flatten(), nn.Linear(num_inputs, num_hiddens), nn.ReLU(),
                         nn.Linear(num_hiddens, num_outputs))

    def init_weights(m):
        if type(m) == nn.Linear:
            nn.init.normal_(m.weight, std=0.01)

    net2.apply(init_weights)
    init_model(torch, net2, seed=51)
    trainer = torch.optim.SGD(net2.parameters(), lr=lr)
    for epoch in range(steps):
        net2.train()
        for X, y_ in train_iter:
            l = loss(net2(X), y_)
            trainer.zero_grad()
            l.mean().backward()
            trainer.step()
            losses.append(l.mean().item())
    if __name__ == "__main__":
        print(f"scratch: {losses[0]:.3f} -> {losses[len(losses) // 2 - 1]:.3f}; concise: "
              f"{losses[len(losses) // 2]:.3f} -> {losses[-1]:.3f}")
    return losses


if __name__ == "__main__":
    import tinygrad_course as torch
    main(torch)
