"""Textbook style: weight decay on high-dimensional linear regression, from scratch and concise.

From scratch: ``l2_penalty(w) = torch.sum(w.pow(2)) / 2`` added to the squared loss with
a factor ``lambd``, parameters from ``torch.normal(0, 1, size=(num_inputs, 1),
requires_grad=True)``, the hand-written SGD. Concise: ``nn.Linear`` whose weight alone
decays through an ``SGD`` parameter group ``{"params": net[0].weight, "weight_decay": wd}``.
"""
import numpy as np

from corpus_common import rng, set_values


def main(torch, steps: int = 5, lambd: float = 3.0, lr: float = 0.003, batch_size: int = 5) -> list:
    """Train both for ``steps`` epochs; return every batch loss then the training loss per epoch of each."""
    nn = torch.nn
    gen = rng(70)
    n_train, num_inputs = 20, 50
    true_w, true_b = np.ones((num_inputs, 1)) * 0.01, 0.05
    X_np = gen.normal(0, 1, (n_train, num_inputs))
    y_np = X_np @ true_w + true_b + gen.normal(0, 0.01, (n_train, 1))
    features = torch.tensor(X_np, dtype=torch.float32)
    labels = torch.tensor(y_np, dtype=torch.float32)
    train_iter = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(features, labels), batch_size=batch_size)

    def init_params():
        w = torch.normal(0, 1, size=(num_inputs, 1), requires_grad=True)
        b = torch.zeros(1, requires_grad=True)
        set_values(torch, [w], [gen.normal(0, 1, (num_inputs, 1))])
        return [w, b]

    def l2_penalty(w):
        return torch.sum(w.pow(2)) / 2

    def linreg(X, w, b):
        return torch.matmul(X, w) + b

    def squared_loss(y_hat, y):
        return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2

    def sgd(params, lr, batch_size):
        with torch.no_grad():
            for param in params:
                param -= lr * param.grad / batch_size
                param.grad.zero_()

    losses = []
    w, b = init_params()
    net, loss = lambda X: linreg(X, w, b), squared_loss
    for epoch in range(steps):
        for X, y in train_iter:
            l = loss(net(X), y) + lambd * l2_penalty(w)
            l.sum().backward()
            sgd([w, b], lr, batch_size)
            losses.append(l.mean().item())
        with torch.no_grad():
            losses.append(loss(net(features), labels).mean().item())
    if __name__ == "__main__":
        print("scratch: L2 norm of w:", torch.norm(w).item())

    wd = lambd
    net = nn.Sequential(nn.Linear(num_inputs, 1))
    for param in net.parameters():
        param.data.normal_()
    with torch.no_grad():
        net[0].weight.copy_(torch.tensor(gen.normal(0, 1, (1, num_inputs)), dtype=torch.float32))
        net[0].bias.zero_()
    loss = nn.MSELoss(reduction="none")
    trainer = torch.optim.SGD([
        {"params": net[0].weight, "weight_decay": wd},
        {"params": net[0].bias}], lr=lr)
    for epoch in range(steps):
        for X, y in train_iter:
            trainer.zero_grad()
            l = loss(net(X), y)
            l.mean().backward()
            trainer.step()
            losses.append(l.mean().item())
        with torch.no_grad():
            losses.append(loss(net(features), labels).mean().item())
    if __name__ == "__main__":
        print("concise: L2 norm of w:", net[0].weight.norm().item())
    return losses


if __name__ == "__main__":
    import tinygrad_course as torch
    main(torch)
