"""Official-example style: sine-wave prediction with two ``nn.LSTMCell``s trained by ``LBFGS`` in float64.

The model unrolls the cells over each input sequence (``input.split(1, dim=1)``), then
keeps feeding back its own output for ``future`` extra steps; ``model.double()``,
``nn.MSELoss``, ``optim.LBFGS(model.parameters(), lr=0.8)`` with a closure. Shorter
waves and 8 hidden units (not 51) keep it quick.
"""
import numpy as np

from corpus_common import init_model


def main(torch, steps: int = 3, max_iter: int = 8) -> list:
    """Run ``steps`` LBFGS steps; return each closure's training loss, then the test loss per step."""
    nn = torch.nn
    optim = torch.optim

    class Sequence(nn.Module):
        def __init__(self):
            super(Sequence, self).__init__()
            self.lstm1 = nn.LSTMCell(1, 8)
            self.lstm2 = nn.LSTMCell(8, 8)
            self.linear = nn.Linear(8, 1)

        def forward(self, input, future=0):
            outputs = []
            h_t = torch.zeros(input.size(0), 8, dtype=torch.double)
            c_t = torch.zeros(input.size(0), 8, dtype=torch.double)
            h_t2 = torch.zeros(input.size(0), 8, dtype=torch.double)
            c_t2 = torch.zeros(input.size(0), 8, dtype=torch.double)

            for input_t in input.split(1, dim=1):
                h_t, c_t = self.lstm1(input_t, (h_t, c_t))
                h_t2, c_t2 = self.lstm2(h_t, (h_t2, c_t2))
                output = self.linear(h_t2)
                outputs += [output]
            for i in range(future):
                h_t, c_t = self.lstm1(output, (h_t, c_t))
                h_t2, c_t2 = self.lstm2(h_t, (h_t2, c_t2))
                output = self.linear(h_t2)
                outputs += [output]
            outputs = torch.cat(outputs, dim=1)
            return outputs

    # the example's data: shifted sine waves sampled every unit, period ~ 2 pi * 20 / 20
    # a private RandomState rather than np.random.seed: the example's draw without touching global state
    random_state = np.random.RandomState(2)
    T, L, N = 20, 24, 10
    x = np.empty((N, L), "int64")
    x[:] = np.array(range(L)) + random_state.randint(-4 * T, 4 * T, N).reshape(N, 1)
    data = np.sin(x / 1.0 / T).astype("float64")

    input = torch.from_numpy(data[3:, :-1])
    target = torch.from_numpy(data[3:, 1:])
    test_input = torch.from_numpy(data[:3, :-1])
    test_target = torch.from_numpy(data[:3, 1:])

    seq = Sequence()
    seq.double()
    init_model(torch, seq, seed=2)
    criterion = nn.MSELoss()
    optimizer = optim.LBFGS(seq.parameters(), lr=0.8, max_iter=max_iter)
    losses = []
    for i in range(steps):
        def closure():
            optimizer.zero_grad()
            out = seq(input)
            loss = criterion(out, target)
            losses.append(loss.item())
            loss.backward()
            return loss
        optimizer.step(closure)
        with torch.no_grad():
            future = 5
            pred = seq(test_input, future=future)
            loss = criterion(pred[:, :-future], test_target)
            losses.append(loss.item())
            if __name__ == "__main__":
                print("step", i, "test loss:", loss.item())
            y = pred.detach().numpy()
            if y.shape != (3, L - 1 + future):
                raise AssertionError("prediction has the wrong shape")
    return losses


if __name__ == "__main__":
    import tinygrad_course as torch
    print(main(torch))
