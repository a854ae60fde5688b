"""Official-example style: a variational autoencoder (encoder to mu/logvar, reparameterisation,
decoder with a sigmoid), loss = binary cross-entropy summed + KL divergence, ``Adam(lr=1e-3)``.

Inputs are 8x8 "images" in [0, 1] (not 28x28). The reparameterisation draws
``torch.randn_like(std)``; for a run comparable across engines pass ``fixed_noise=True``,
which draws the same noise from NumPy instead.
"""
import numpy as np

from corpus_common import init_model, rng


def main(torch, steps: int = 2, fixed_noise: bool = False, batch_size: int = 16) -> list:
    """Train for ``steps`` epochs; return the mean per-sample loss of every batch."""
    nn = torch.nn
    F = torch.nn.functional
    noise_rng = rng(11)

    class VAE(nn.Module):
        def __init__(self):
            super(VAE, self).__init__()
            self.fc1 = nn.Linear(64, 32)
            self.fc21 = nn.Linear(32, 4)
            self.fc22 = nn.Linear(32, 4)
            self.fc3 = nn.Linear(4, 32)
            self.fc4 = nn.Linear(32, 64)

        def encode(self, x):
            h1 = F.relu(self.fc1(x))
            return self.fc21(h1), self.fc22(h1)

        def reparameterize(self, mu, logvar):
            std = torch.exp(0.5 * logvar)
            if fixed_noise:
                eps = torch.tensor(noise_rng.standard_normal(tuple(std.shape)).astype(np.float32))
            else:
                eps = torch.randn_like(std)
            return mu + eps * std

        def decode(self, z):
            h3 = F.relu(self.fc3(z))
            return torch.sigmoid(self.fc4(h3))

        def forward(self, x):
            mu, logvar = self.encode(x.view(-1, 64))
            z = self.reparameterize(mu, logvar)
            return self.decode(z), mu, logvar

    def loss_function(recon_x, x, mu, logvar):
        BCE = F.binary_cross_entropy(recon_x, x.view(-1, 64), reduction="sum")
        # KL divergence to the unit Gaussian: -0.5 * sum(1 + log(sigma^2) - mu^2 - sigma^2)
        KLD = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
        return BCE + KLD

    data_rng = rng(10)
    # blurry blobs: a few prototypes plus noise, clipped to [0, 1]
    protos = data_rng.uniform(0, 1, (4, 1, 8, 8))
    images = np.clip(protos[data_rng.integers(0, 4, 64)] + 0.1 * data_rng.standard_normal((64, 1, 8, 8)), 0, 1)
    train_loader = torch.utils.data.DataLoader(
        torch.utils.data.TensorDataset(torch.tensor(images.astype(np.float32))), batch_size=batch_size)

    model = init_model(torch, VAE(), seed=10)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    losses = []
    for epoch in range(1, steps + 1):
        model.train()
        train_loss = 0
        for batch_idx, (data,) in enumerate(train_loader):
            optimizer.zero_grad()
            recon_batch, mu, logvar = model(data)
            loss = loss_function(recon_batch, data, mu, logvar)
            loss.backward()
            train_loss += loss.item()
            optimizer.step()
            losses.append(loss.item() / len(data))
        if __name__ == "__main__":
            print(f"====> Epoch: {epoch} Average loss: {train_loss / len(train_loader.dataset):.4f}")
    model.eval()
    with torch.no_grad():
        sample = torch.randn(8, 4)
        sample = model.decode(sample).cpu()
        if tuple(sample.view(8, 1, 8, 8).shape) != (8, 1, 8, 8):
            raise AssertionError("decoded samples have the wrong shape")
    return losses


if __name__ == "__main__":
    import tinygrad_course as torch
    print(main(torch))
