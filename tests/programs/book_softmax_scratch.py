"""Textbook style: softmax regression from scratch.

``W = torch.normal(0, 0.01, size=(num_inputs, num_outputs), requires_grad=True)``, a
hand-written softmax (``X_exp / X_exp.sum(1, keepdim=True)``), cross-entropy by picking
``y_hat[range(len(y_hat)), y]``, accuracy with ``y_hat.argmax(axis=1)``, an
``Accumulator`` for the epoch metrics, and the book's minibatch SGD updater.
"""
import numpy as np

from corpus_common import classification_data, set_values


def main(torch, steps: int = 3, lr: float = 0.1, batch_size: int = 16) -> list:
    """Train for ``steps`` epochs; return every minibatch loss, then (train loss, test accuracy) per epoch."""
    x, y = classification_data(41, 160, (1, 6, 6), 5)
    train_iter = torch.utils.data.DataLoader(
        torch.utils.data.TensorDataset(torch.tensor(x[:128]), torch.tensor(y[:128])), batch_size)
    test_iter = torch.utils.data.DataLoader(
        torch.utils.data.TensorDataset(torch.tensor(x[128:]), torch.tensor(y[128:])), batch_size)

    num_inputs, num_outputs = 36, 5
    W = torch.normal(0, 0.01, size=(num_inputs, num_outputs), requires_grad=True)
    b = torch.zeros(num_outputs, requires_grad=True)
    set_values(torch, [W], [np.random.default_rng(41).normal(0, 0.01, (num_inputs, num_outputs))])

    def softmax(X):
        X_exp = torch.exp(X)
        partition = X_exp.sum(1, keepdim=True)
        return X_exp / partition

    def net(X):
        return softmax(torch.matmul(X.reshape((-1, W.shape[0])), W) + b)

    def cross_entropy(y_hat, y):
        return -torch.log(y_hat[range(len(y_hat)), y])

    def accuracy(y_hat, y):
        if len(y_hat.shape) > 1 and y_hat.shape[1] > 1:
            y_hat = y_hat.argmax(axis=1)
        cmp = y_hat.type(y.dtype) == y
        return float(cmp.type(y.dtype).sum())

    class Accumulator:
        def __init__(self, n):
            self.data = [0.0] * n

        def add(self, *args):
            self.data = [a + float(b) for a, b in zip(self.data, args)]

        def __getitem__(self, idx):
            return self.data[idx]

    def evaluate_accuracy(net, data_iter):
        metric = Accumulator(2)
        with torch.no_grad():
            for X, y in data_iter:
                metric.add(accuracy(net(X), y), y.numel())
        return metric[0] / metric[1]

    def updater(batch_size):
        with torch.no_grad():
            for param in [W, b]:
                param -= lr * param.grad / batch_size
                param.grad.zero_()

    losses = []
    for epoch in range(steps):
        metric = Accumulator(3)
        for X, y in train_iter:
            y_hat = net(X)
            l = cross_entropy(y_hat, y)
            l.sum().backward()
            updater(X.shape[0])
            metric.add(float(l.sum()), accuracy(y_hat, y), y.numel())
            losses.append(float(l.mean()))
        test_acc = evaluate_accuracy(net, test_iter)
        losses.append(metric[0] / metric[2])
        if __name__ == "__main__":
            print(f"epoch {epoch + 1}: train loss {metric[0] / metric[2]:.3f}, "
                  f"train acc {metric[1] / metric[2]:.3f}, test acc {test_acc:.3f}")
    return losses


if __name__ == "__main__":
    import tinygrad_course as torch
    main(torch)
