"""Official-example style: a small Transformer language model.

``PositionalEncoding`` (sin/cos table registered as a buffer), ``nn.TransformerEncoderLayer``
stacked by ``nn.TransformerEncoder``, an ``Embedding`` scaled by ``sqrt(d_model)``, the
causal mask from ``nn.Transformer.generate_square_subsequent_mask``, ``CrossEntropyLoss``
on the flattened output, ``SGD`` with ``StepLR`` (``get_last_lr()`` in the log) and
``clip_grad_norm_(0.5)``; the best model's parameters go to a file in a
``TemporaryDirectory`` and are loaded back at the end, and a ``copy.deepcopy`` of the model
is evaluated too.
"""
import copy
import math
import os
import time
from tempfile import TemporaryDirectory

import numpy as np

from corpus_common import init_model, rng


def main(torch, steps: int = 2, dropout: float = 0.1, lr: float = 1.0) -> list:
    """Train for ``steps`` epochs; return each batch's loss then the validation loss per epoch."""
    nn = torch.nn
    Tensor = torch.Tensor
    TransformerEncoder, TransformerEncoderLayer = nn.TransformerEncoder, nn.TransformerEncoderLayer

    class PositionalEncoding(nn.Module):
        def __init__(self, d_model: int, dropout: float = 0.1, max_len: int = 5000):
            super().__init__()
            self.dropout = nn.Dropout(p=dropout)
            position = torch.arange(max_len).unsqueeze(1)
            div_term = torch.exp(torch.arange(0, d_model, 2) * (-math.log(10000.0) / d_model))
            pe = torch.zeros(max_len, 1, d_model)
            pe[:, 0, 0::2] = torch.sin(position * div_term)
            pe[:, 0, 1::2] = torch.cos(position * div_term)
            self.register_buffer("pe", pe)

        def forward(self, x: Tensor) -> Tensor:
            x = x + self.pe[:x.size(0)]
            return self.dropout(x)

    class TransformerModel(nn.Module):
        def __init__(self, ntoken: int, d_model: int, nhead: int, d_hid: int, nlayers: int, dropout: float = 0.5):
            super().__init__()
            self.model_type = "Transformer"
            self.pos_encoder = PositionalEncoding(d_model, dropout)
            encoder_layers = TransformerEncoderLayer(d_model, nhead, d_hid, dropout)
            self.transformer_encoder = TransformerEncoder(encoder_layers, nlayers, enable_nested_tensor=False)
            self.embedding = nn.Embedding(ntoken, d_model)
            self.d_model = d_model
            self.linear = nn.Linear(d_model, ntoken)
            self.init_weights()

        def init_weights(self) -> None:
            initrange = 0.1
            self.embedding.weight.data.uniform_(-initrange, initrange)
            self.linear.bias.data.zero_()
            self.linear.weight.data.uniform_(-initrange, initrange)

        def forward(self, src: Tensor, src_mask: Tensor = None) -> Tensor:
            src = self.embedding(src) * math.sqrt(self.d_model)
            src = self.pos_encoder(src)
            if src_mask is None:
                src_mask = nn.Transformer.generate_square_subsequent_mask(len(src))
            output = self.transformer_encoder(src, src_mask)
            output = self.linear(output)
            return output

    def batchify(data: Tensor, bsz: int) -> Tensor:
        seq_len = data.size(0) // bsz
        data = data[:seq_len * bsz]
        data = data.view(bsz, seq_len).t().contiguous()
        return data

    bptt = 8

    def get_batch(source: Tensor, i: int):
        seq_len = min(bptt, len(source) - 1 - i)
        data = source[i:i + seq_len]
        target = source[i + 1:i + 1 + seq_len].reshape(-1)
        return data, target

    ntokens = 10
    gen = rng(30)
    stream = (np.arange(300) * 3 % ntokens + (gen.random(300) < 0.1)) % ntokens
    train_data = batchify(torch.tensor(stream[:240]), 4)
    val_data = batchify(torch.tensor(stream[240:]), 2)

    model = TransformerModel(ntokens, 16, 2, 32, 2, dropout)
    init_model(torch, model, seed=30)
    criterion = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, 1.0, gamma=0.95)
    losses = []

    def train(model: nn.Module) -> None:
        model.train()
        total_loss = 0.0
        start_time = time.time()
        for batch, i in enumerate(range(0, train_data.size(0) - 1, bptt)):
            data, targets = get_batch(train_data, i)
            output = model(data)
            output_flat = output.view(-1, ntokens)
            loss = criterion(output_flat, targets)
            optimizer.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 0.5)
            optimizer.step()
            losses.append(loss.item())
            total_loss += loss.item()
            log_interval = 4
            if batch % log_interval == 0 and batch > 0 and __name__ == "__main__":
                lr = scheduler.get_last_lr()[0]
                ms_per_batch = (time.time() - start_time) * 1000 / log_interval
                cur_loss = total_loss / log_interval
                print(f"| epoch {epoch:3d} | {batch:5d} batches | lr {lr:02.2f} | ms/batch {ms_per_batch:5.2f} | "
                      f"loss {cur_loss:5.2f} | ppl {math.exp(cur_loss):8.2f}")
                total_loss = 0
                start_time = time.time()

    def evaluate(model: nn.Module, eval_data: Tensor) -> float:
        model.eval()
        total_loss = 0.0
        with torch.no_grad():
            for i in range(0, eval_data.size(0) - 1, bptt):
                data, targets = get_batch(eval_data, i)
                seq_len = data.size(0)
                output = model(data)
                output_flat = output.view(-1, ntokens)
                total_loss += seq_len * criterion(output_flat, targets).item()
        return total_loss / (len(eval_data) - 1)

    best_val_loss = float("inf")
    with TemporaryDirectory() as tempdir:
        best_model_params_path = os.path.join(tempdir, "best_model_params.pt")
        for epoch in range(1, steps + 1):
            train(model)
            val_loss = evaluate(model, val_data)
            losses.append(val_loss)
            if __name__ == "__main__":
                print(f"| end of epoch {epoch:3d} | valid loss {val_loss:5.2f} | valid ppl {math.exp(val_loss):8.2f}")
            if val_loss < best_val_loss:
                best_val_loss = val_loss
                torch.save(model.state_dict(), best_model_params_path)
            scheduler.step()
        model.load_state_dict(torch.load(best_model_params_path))
    if abs(evaluate(model, val_data) - best_val_loss) > 1e-6 * best_val_loss:
        raise AssertionError("the reloaded best model does not give the best validation loss")
    twin = copy.deepcopy(model)
    if abs(evaluate(twin, val_data) - best_val_loss) > 1e-6 * best_val_loss:
        raise AssertionError("a deepcopy of the model evaluates differently")
    return losses


if __name__ == "__main__":
    import tinygrad_course as torch
    print(main(torch))
