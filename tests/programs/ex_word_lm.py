"""Official-example style: the word-level LSTM language model.

An ``Embedding`` encoder, a 2-layer ``nn.LSTM`` with dropout between layers, a ``Linear``
decoder initialised with ``uniform_(-0.1, 0.1)``; the corpus is batchified into columns,
truncated back-propagation through time detaches (``repackage_hidden``) the hidden state
between chunks, gradients are clipped with ``clip_grad_norm_`` and the parameters are
updated by hand with ``p.data.add_(p.grad, alpha=-lr)``; the learning rate is divided by
4 when the validation loss stops improving, the best model is saved to a file object
(``torch.save(model.state_dict(), f)``) and loaded back (``flatten_parameters()``), and
a few tokens are generated with ``torch.multinomial``. The "corpus" is a small
synthetic token stream with structure (a noisy cycle), so the model can learn it.
"""
import math
import os
import tempfile

import numpy as np

from corpus_common import init_model, rng


def main(torch, steps: int = 2, dropout: float = 0.2, lr: float = 5.0, clip: float = 0.25) -> list:
    """Train for ``steps`` epochs; return the loss of every chunk, then the validation loss per epoch."""
    nn = torch.nn
    F = torch.nn.functional

    class RNNModel(nn.Module):
        def __init__(self, rnn_type, ntoken, ninp, nhid, nlayers, dropout=0.5):
            super(RNNModel, self).__init__()
            self.ntoken = ntoken
            self.drop = nn.Dropout(dropout)
            self.encoder = nn.Embedding(ntoken, ninp)
            self.rnn = getattr(nn, rnn_type)(ninp, nhid, nlayers, dropout=dropout)
            self.decoder = nn.Linear(nhid, ntoken)
            self.init_weights()
            self.rnn_type = rnn_type
            self.nhid = nhid
            self.nlayers = nlayers

        def init_weights(self):
            initrange = 0.1
            nn.init.uniform_(self.encoder.weight, -initrange, initrange)
            nn.init.zeros_(self.decoder.bias)
            nn.init.uniform_(self.decoder.weight, -initrange, initrange)

        def forward(self, input, hidden):
            emb = self.drop(self.encoder(input))
            output, hidden = self.rnn(emb, hidden)
            output = self.drop(output)
            decoded = self.decoder(output)
            decoded = decoded.view(-1, self.ntoken)
            return F.log_softmax(decoded, dim=1), hidden

        def init_hidden(self, bsz):
            weight = next(self.parameters())
            return (weight.new_zeros(self.nlayers, bsz, self.nhid),
                    weight.new_zeros(self.nlayers, bsz, self.nhid))

    def batchify(data, bsz):
        nbatch = data.size(0) // bsz
        data = data.narrow(0, 0, nbatch * bsz)
        return data.view(bsz, -1).t().contiguous()

    def get_batch(source, i, bptt):
        seq_len = min(bptt, len(source) - 1 - i)
        data = source[i:i + seq_len]
        target = source[i + 1:i + 1 + seq_len].view(-1)
        return data, target

    def repackage_hidden(h):
        if isinstance(h, torch.Tensor):
            return h.detach()
        return tuple(repackage_hidden(v) for v in h)

    ntokens, bptt, bsz = 12, 6, 4
    gen = rng(20)
    stream = (np.arange(400) % ntokens + (gen.random(400) < 0.1) * gen.integers(0, ntokens, 400)) % ntokens
    train_data = batchify(torch.tensor(stream[:320], dtype=torch.long), bsz)
    val_data = batchify(torch.tensor(stream[320:], dtype=torch.long), 2)

    model = RNNModel("LSTM", ntokens, 8, 16, 2, dropout)
    init_model(torch, model, seed=20)
    criterion = nn.NLLLoss()
    losses = []

    def evaluate(data_source):
        model.eval()
        total_loss = 0.0
        hidden = model.init_hidden(2)
        with torch.no_grad():
            for i in range(0, data_source.size(0) - 1, bptt):
                data, targets = get_batch(data_source, i, bptt)
                output, hidden = model(data, hidden)
                hidden = repackage_hidden(hidden)
                total_loss += len(data) * criterion(output, targets).item()
        return total_loss / (len(data_source) - 1)

    best_val_loss = None
    tmp = tempfile.TemporaryDirectory()
    save = os.path.join(tmp.name, "model.pt")
    for epoch in range(1, steps + 1):
        model.train()
        hidden = model.init_hidden(bsz)
        for batch, i in enumerate(range(0, train_data.size(0) - 1, bptt)):
            data, targets = get_batch(train_data, i, bptt)
            model.zero_grad()
            hidden = repackage_hidden(hidden)
            output, hidden = model(data, hidden)
            loss = criterion(output, targets)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), clip)
            for p in model.parameters():
                p.data.add_(p.grad, alpha=-lr)
            losses.append(loss.item())
        val_loss = evaluate(val_data)
        losses.append(val_loss)
        if __name__ == "__main__":
            print(f"| end of epoch {epoch:3d} | valid loss {val_loss:5.2f} | valid ppl {math.exp(val_loss):8.2f}")
        if not best_val_loss or val_loss < best_val_loss:
            with open(save, "wb") as f:
                torch.save(model.state_dict(), f)
            best_val_loss = val_loss
        else:
            lr /= 4.0

    with open(save, "rb") as f:
        model.load_state_dict(torch.load(f))
        model.rnn.flatten_parameters()
    tmp.cleanup()
    if abs(evaluate(val_data) - best_val_loss) > 1e-6 * best_val_loss:
        raise AssertionError("the reloaded best model does not give the best validation loss")

    # generate.py: sample tokens from the trained model
    model.eval()
    hidden = model.init_hidden(1)
    input = torch.randint(ntokens, (1, 1), dtype=torch.long)
    words = []
    with torch.no_grad():
        for i in range(10):
            output, hidden = model(input, hidden)
            word_weights = output.squeeze().div(1.0).exp().cpu()
            word_idx = torch.multinomial(word_weights, 1)[0]
            input.fill_(word_idx)
            words.append(int(word_idx))
    if __name__ == "__main__":
        print("generated:", words)
    if not all(0 <= w < ntokens for w in words):
        raise AssertionError(f"generated tokens out of range: {words}")
    return losses


if __name__ == "__main__":
    import tinygrad_course as torch
    print(main(torch))
