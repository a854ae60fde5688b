"""Official-example style: the MNIST convolutional net trained with ``Adadelta`` and ``StepLR``.

Two 3x3 convolutions, max pooling, ``Dropout`` then ``Dropout`` again after the first
fully connected layer, ``log_softmax`` with ``F.nll_loss``, ``Adadelta(lr=1.0)`` and
``StepLR(step_size=1, gamma=0.7)`` stepped once per epoch; evaluation sums the loss
with ``reduction='sum'`` and counts ``pred.eq(target.view_as(pred))``. Images are 12x12
(not 28x28) so it runs in a second. The device is picked as the example does
(``torch.accelerator``), the log line is the example's, and the weights are saved with
``torch.save(model.state_dict(), "mnist_cnn.pt")`` (in a temporary folder) and reloaded.
"""
import os
import tempfile

from corpus_common import classification_data, init_model


def main(torch, steps: int = 2, dropout: tuple = (0.25, 0.5), batch_size: int = 16) -> list:
    """Train for ``steps`` epochs; return each batch's loss then the test loss per epoch.

    ``dropout`` gives the two dropout probabilities (zeros make the run deterministic).
    """
    nn = torch.nn
    F = torch.nn.functional
    optim = torch.optim
    StepLR = torch.optim.lr_scheduler.StepLR

    class Net(nn.Module):
        def __init__(self):
            super(Net, self).__init__()
            self.conv1 = nn.Conv2d(1, 4, 3, 1)
            self.conv2 = nn.Conv2d(4, 8, 3, 1)
            self.dropout1 = nn.Dropout(dropout[0])
            self.dropout2 = nn.Dropout(dropout[1])
            self.fc1 = nn.Linear(128, 32)
            self.fc2 = nn.Linear(32, 10)

        def forward(self, x):
            x = self.conv1(x)
            x = F.relu(x)
            x = self.conv2(x)
            x = F.relu(x)
            x = F.max_pool2d(x, 2)
            x = self.dropout1(x)
            x = torch.flatten(x, 1)
            x = self.fc1(x)
            x = F.relu(x)
            x = self.dropout2(x)
            x = self.fc2(x)
            output = F.log_softmax(x, dim=1)
            return output

    x, y = classification_data(3, 288, (1, 12, 12), 10)
    # the example normalises with MNIST's mean and std
    x = (x * 0.3081 + 0.1307 - 0.1307) / 0.3081
    train_kwargs = {"batch_size": batch_size}
    dataset1 = torch.utils.data.TensorDataset(torch.tensor(x[:256]), torch.tensor(y[:256]))
    dataset2 = torch.utils.data.TensorDataset(torch.tensor(x[256:]), torch.tensor(y[256:]))
    train_loader = torch.utils.data.DataLoader(dataset1, **train_kwargs)
    test_loader = torch.utils.data.DataLoader(dataset2, batch_size=16)

    torch.manual_seed(1)
    use_accel = torch.accelerator.is_available()
    if use_accel:
        device = torch.accelerator.current_accelerator()
    else:
        device = torch.device("cpu")
    if use_accel:
        train_kwargs.update({"num_workers": 1, "persistent_workers": True, "pin_memory": True, "shuffle": True})
    model = init_model(torch, Net().to(device), seed=3)
    optimizer = optim.Adadelta(model.parameters(), lr=1.0)
    scheduler = StepLR(optimizer, step_size=1, gamma=0.7)
    losses = []

    def train(model, device, train_loader, optimizer, epoch):
        model.train()
        for batch_idx, (data, target) in enumerate(train_loader):
            data, target = data.to(device), target.to(device)
            optimizer.zero_grad()
            output = model(data)
            loss = F.nll_loss(output, target)
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
            if batch_idx % 8 == 0 and __name__ == "__main__":
                print("Train Epoch: {} [{}/{} ({:.0f}%)]\tLoss: {:.6f}".format(
                    epoch, batch_idx * len(data), len(train_loader.dataset),
                    100. * batch_idx / len(train_loader), loss.item()))

    def test(model, device, test_loader):
        model.eval()
        test_loss = 0
        correct = 0
        with torch.no_grad():
            for data, target in test_loader:
                data, target = data.to(device), target.to(device)
                output = model(data)
                test_loss += F.nll_loss(output, target, reduction="sum").item()
                pred = output.argmax(dim=1, keepdim=True)
                correct += pred.eq(target.view_as(pred)).sum().item()
        test_loss /= len(test_loader.dataset)
        if __name__ == "__main__":
            print(f"Test set: Average loss: {test_loss:.4f}, Accuracy: {correct}/{len(test_loader.dataset)}")
        return test_loss

    for epoch in range(1, steps + 1):
        train(model, device, train_loader, optimizer, epoch)
        losses.append(test(model, device, test_loader))
        scheduler.step()

    with tempfile.TemporaryDirectory() as tmp:
        torch.save(model.state_dict(), os.path.join(tmp, "mnist_cnn.pt"))
        reloaded = Net()
        reloaded.load_state_dict(torch.load(os.path.join(tmp, "mnist_cnn.pt")))
    if abs(test(reloaded, device, test_loader) - losses[-1]) > 1e-6 * losses[-1]:
        raise AssertionError("the saved model does not reproduce the test loss")
    return losses


if __name__ == "__main__":
    import tinygrad_course as torch
    print(main(torch))
