"""Tutorial style: a custom ``Dataset``, ``DataLoader``, an ``nn.Module`` classifier, an optimizer,
the train/test loops of the quickstart, and saving then loading the ``state_dict``.
"""
import os
import tempfile

from corpus_common import classification_data, init_model


def main(torch, steps: int = 3, lr: float = 0.1, batch_size: int = 16) -> list:
    """Train an MLP on 28x28 inputs for ``steps`` epochs; return the loss of every batch.

    ``steps`` counts epochs; the test loss after each epoch is appended too, and after a
    save/load round trip the reloaded model must predict exactly what the trained one does.
    """
    # the engine is a parameter, so its submodules are reached as attributes, not imported
    nn = torch.nn
    DataLoader, Dataset = torch.utils.data.DataLoader, torch.utils.data.Dataset

    class ArrayDataset(Dataset):
        def __init__(self, images, labels, transform=None):
            self.images = images
            self.labels = labels
            self.transform = transform

        def __len__(self):
            return len(self.labels)

        def __getitem__(self, idx):
            image = torch.tensor(self.images[idx])
            if self.transform:
                image = self.transform(image)
            return image, int(self.labels[idx])

    class NeuralNetwork(nn.Module):
        def __init__(self):
            super().__init__()
            self.flatten = nn.Flatten()
            self.linear_relu_stack = nn.Sequential(
                nn.Linear(28 * 28, 32),
                nn.ReLU(),
                nn.Linear(32, 32),
                nn.ReLU(),
                nn.Linear(32, 10),
            )

        def forward(self, x):
            x = self.flatten(x)
            logits = self.linear_relu_stack(x)
            return logits

    x, y = classification_data(0, 96, (28, 28), 10)
    training_data = ArrayDataset(x[:64], y[:64], transform=lambda t: t / 2)
    test_data = ArrayDataset(x[64:], y[64:], transform=lambda t: t / 2)
    train_dataloader = DataLoader(training_data, batch_size=batch_size)
    test_dataloader = DataLoader(test_data, batch_size=batch_size)

    device = "cpu"
    model = init_model(torch, NeuralNetwork().to(device), seed=0)
    loss_fn = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    losses = []

    def train(dataloader, model, loss_fn, optimizer):
        model.train()
        for batch, (X, y) in enumerate(dataloader):
            X, y = X.to(device), y.to(device)
            pred = model(X)
            loss = loss_fn(pred, y)
            loss.backward()
            optimizer.step()
            optimizer.zero_grad()
            losses.append(loss.item())

    def test(dataloader, model, loss_fn):
        num_batches = len(dataloader)
        size = len(dataloader.dataset)
        model.eval()
        test_loss, correct = 0, 0
        with torch.no_grad():
            for X, y in dataloader:
                pred = model(X)
                test_loss += loss_fn(pred, y).item()
                correct += (pred.argmax(1) == y).type(torch.float).sum().item()
        test_loss /= num_batches
        correct /= size
        if __name__ == "__main__":
            print(f"Test Error: Accuracy: {(100 * correct):>0.1f}%, Avg loss: {test_loss:>8f}")
        return test_loss

    for t in range(steps):
        train(train_dataloader, model, loss_fn, optimizer)
        losses.append(test(test_dataloader, model, loss_fn))

    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "model.pth")
        torch.save(model.state_dict(), path)
        model2 = NeuralNetwork().to(device)
        model2.load_state_dict(torch.load(path, weights_only=True))
    model2.eval()
    with torch.no_grad():
        X = torch.tensor(x[64:] / 2)
        if not torch.equal(model(X), model2(X)):
            raise AssertionError("the reloaded model predicts differently")
        classes = [str(i) for i in range(10)]
        predicted, actual = classes[model2(X[:1])[0].argmax(0)], classes[int(y[64])]
        if __name__ == "__main__":
            print(f'Predicted: "{predicted}", Actual: "{actual}"')
    return losses


if __name__ == "__main__":
    import tinygrad_course as torch
    print(main(torch))
