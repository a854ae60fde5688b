"""Textbook style: linear regression from scratch.

Synthetic data ``y = X w + b + noise``, a minibatch iterator over shuffled indices,
parameters made with ``torch.normal(0, 0.01, size=..., requires_grad=True)`` and
``torch.zeros(1, requires_grad=True)``, a squared loss, and a hand-written minibatch SGD
that updates in place under ``torch.no_grad()`` and zeroes ``param.grad``. Then the
concise version: ``data.TensorDataset(*data_arrays)``, ``DataLoader(..., shuffle=is_train)``,
``net[0].weight.data.normal_(0, 0.01)``, ``nn.MSELoss()`` and ``torch.optim.SGD``
(``shuffle=False`` makes that part deterministic across engines).
"""
import numpy as np

from corpus_common import rng, set_values


def main(torch, steps: int = 3, lr: float = 0.03, batch_size: int = 10, shuffle: bool = True) -> list:
    """Train both versions for ``steps`` epochs; return every minibatch loss and the full training
    loss per epoch of the scratch version, then the same for the concise one."""
    gen = rng(40)
    true_w = np.array([2, -3.4])
    true_b = 4.2

    def synthetic_data(w, b, num_examples):
        # the book draws with torch.normal; NumPy draws here so both engines see the same data
        X = torch.tensor(gen.normal(0, 1, (num_examples, len(w))), dtype=torch.float32)
        y = torch.matmul(X, torch.tensor(w, dtype=torch.float32)) + b
        y += torch.tensor(gen.normal(0, 0.01, tuple(y.shape)), dtype=torch.float32)
        return X, y.reshape((-1, 1))

    features, labels = synthetic_data(true_w, true_b, 200)

    def data_iter(batch_size, features, labels):
        num_examples = len(features)
        indices = list(range(num_examples))
        gen.shuffle(indices)
        for i in range(0, num_examples, batch_size):
            batch_indices = torch.tensor(indices[i: min(i + batch_size, num_examples)])
            yield features[batch_indices], labels[batch_indices]

    w = torch.normal(0, 0.01, size=(2, 1), requires_grad=True)
    b = torch.zeros(1, requires_grad=True)
    set_values(torch, [w], [gen.normal(0, 0.01, (2, 1))])

    def linreg(X, w, b):
        return torch.matmul(X, w) + b

    def squared_loss(y_hat, y):
        return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2

    def sgd(params, lr, batch_size):
        with torch.no_grad():
            for param in params:
                param -= lr * param.grad / batch_size
                param.grad.zero_()

    net, loss = linreg, squared_loss
    losses = []
    for epoch in range(steps):
        for X, y in data_iter(batch_size, features, labels):
            l = loss(net(X, w, b), y)
            l.sum().backward()
            sgd([w, b], lr, batch_size)
            losses.append(float(l.mean()))
        with torch.no_grad():
            train_l = loss(net(features, w, b), labels)
            losses.append(float(train_l.mean()))
            if __name__ == "__main__":
                print(f"epoch {epoch + 1}, loss {float(train_l.mean()):f}")
    if __name__ == "__main__":
        print(f"error in estimating w: {torch.tensor(true_w, dtype=torch.float32) - w.reshape(true_w.shape)}")
        print(f"error in estimating b: {true_b - b}")

    # --- concise ---
    nn = torch.nn
    data = torch.utils.data

    def load_array(data_arrays, batch_size, is_train=True):
        dataset = data.TensorDataset(*data_arrays)
        return data.DataLoader(dataset, batch_size, shuffle=is_train and shuffle)

    data_iter = load_array((features, labels), batch_size)
    first_X, first_y = next(iter(data_iter))
    assert tuple(first_X.shape) == (batch_size, 2) and tuple(first_y.shape) == (batch_size, 1)
    net = nn.Sequential(nn.Linear(2, 1))
    net[0].weight.data.normal_(0, 0.01)
    net[0].bias.data.fill_(0)
    with torch.no_grad():
        net[0].weight.copy_(torch.tensor(gen.normal(0, 0.01, (1, 2)), dtype=torch.float32))
    loss = nn.MSELoss()
    trainer = torch.optim.SGD(net.parameters(), lr=lr)
    for epoch in range(steps):
        for X, y in data_iter:
            l = loss(net(X), y)
            trainer.zero_grad()
            l.backward()
            trainer.step()
            losses.append(l.item())
        l = loss(net(features), labels)
        losses.append(l.item())
        if __name__ == "__main__":
            print(f"epoch {epoch + 1}, loss {l:f}")
    w = net[0].weight.data
    b = net[0].bias.data
    if __name__ == "__main__":
        print("error in estimating w:", torch.tensor(true_w, dtype=torch.float32) - w.reshape(true_w.shape))
        print("error in estimating b:", true_b - b)
    return losses


if __name__ == "__main__":
    import tinygrad_course as torch
    main(torch)
