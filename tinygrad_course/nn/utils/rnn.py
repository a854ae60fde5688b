"""Variable-length sequences (PyTorch's ``torch.nn.utils.rnn``): padding and PackedSequence.

A PackedSequence holds the steps of a batch of sequences sorted by decreasing length, time step
by time step: ``data`` (sum of lengths, *), ``batch_sizes[t]`` = how many sequences are still
running at step t. ``nn.RNN/LSTM/GRU`` accept one and run every sequence to its own length.
Packing and unpacking are gathers (differentiable: gradients flow back to the padded input).
"""
from collections.abc import Iterable, Sequence
from typing import NamedTuple

import numpy as np

import tinygrad_course as _tc

from ...autograd import _array, _wrap
from ...autograd.tensor import Tensor

__all__ = [
    "PackedSequence",
    "invert_permutation",
    "pack_padded_sequence",
    "pack_sequence",
    "pad_packed_sequence",
    "pad_sequence",
    "unpack_sequence",
    "unpad_sequence",
]


class _PackedSequenceBase(NamedTuple):
    data: Tensor
    batch_sizes: Tensor
    sorted_indices: Tensor | None
    unsorted_indices: Tensor | None


class PackedSequence(_PackedSequenceBase):
    """The packed steps of a batch of variable-length sequences (a named tuple, as PyTorch's).

    Fields: ``data`` (sum of lengths, *), ``batch_sizes`` (int64, one count per time step),
    ``sorted_indices`` (the batch order by decreasing length, or None when the input was
    already sorted) and ``unsorted_indices`` (its inverse). Make one with
    ``pack_padded_sequence`` or ``pack_sequence``, never by hand.

    >>> p = pack_sequence([tc.ones(3, 1), tc.ones(2, 1)])
    >>> p.batch_sizes
    tensor([2, 2, 1])
    """

    def __new__(cls, data, batch_sizes=None, sorted_indices=None, unsorted_indices=None):
        if unsorted_indices is None:
            unsorted_indices = invert_permutation(sorted_indices)
        if batch_sizes is None:
            if not (isinstance(data, (list, tuple)) and len(data) == 2):
                raise AssertionError("Expected data to be a list or tuple of length 2")
            data, batch_sizes = data
        return super().__new__(cls, data, batch_sizes, sorted_indices, unsorted_indices)

    def to(self, *args, **kwargs) -> "PackedSequence":
        """The same sequences with ``data`` converted by ``Tensor.to`` (indices unchanged)."""
        data = self.data.to(*args, **kwargs)
        if data is self.data:
            return self
        return type(self)(data, self.batch_sizes, self.sorted_indices, self.unsorted_indices)

    def cpu(self) -> "PackedSequence":
        """Itself (only the CPU exists)."""
        return self

    def double(self) -> "PackedSequence":
        """``data`` as float64."""
        return self.to(dtype=_tc.float64)

    def float(self) -> "PackedSequence":
        """``data`` as float32."""
        return self.to(dtype=_tc.float32)

    def long(self) -> "PackedSequence":
        """``data`` as int64."""
        return self.to(dtype=_tc.int64)

    @property
    def is_cuda(self) -> bool:
        """False: only the CPU exists."""
        return False


def invert_permutation(permutation: Tensor | None) -> Tensor | None:
    """The inverse permutation: out[permutation[i]] = i (None stays None).

    >>> invert_permutation(tc.tensor([2, 0, 1]))
    tensor([1, 2, 0])
    """
    if permutation is None:
        return None
    perm = np.asarray(_array(permutation), dtype=np.int64)
    out = np.empty_like(perm)
    out[perm] = np.arange(perm.shape[0])
    return _wrap(out)


def _lengths_array(lengths, batch_size):
    if isinstance(lengths, Tensor):
        arr = _array(lengths)
    else:
        arr = np.asarray(lengths)
    if arr.ndim != 1 or arr.dtype.kind not in "iuf":
        raise RuntimeError(f"pack_padded_sequence: lengths must be a 1-D sequence of integers, got "
                           f"{'shape ' + str(arr.shape) if arr.ndim != 1 else arr.dtype}")
    arr = arr.astype(np.int64)
    if arr.shape[0] != batch_size:
        raise RuntimeError(f"Expected `len(lengths)` to be equal to batch_size, but got {arr.shape[0]} "
                           f"(batch_size={batch_size})")
    return arr


def _pack_sorted(padded: Tensor, lengths: np.ndarray) -> tuple[Tensor, np.ndarray]:
    """(T, B, *) time-major, batch sorted by decreasing ``lengths`` -> (packed data, batch_sizes)."""
    T, B = padded.shape[0], padded.shape[1]
    batch_sizes = (lengths[None, :] > np.arange(int(lengths[0]))[:, None]).sum(1)
    # row t*B + b of the flattened input, for every running (t, b), in time-major order
    idx = np.concatenate([t * B + np.arange(bs) for t, bs in enumerate(batch_sizes)])
    flat = padded.reshape(T * B, *padded.shape[2:])
    return flat[_wrap(idx)], batch_sizes.astype(np.int64)


def _unpack_sorted(data: Tensor, batch_sizes: np.ndarray, total_length: int, padding_value: float) -> Tensor:
    """Packed data -> (total_length, B, *) time-major in sorted batch order, padded with ``padding_value``."""
    B = int(batch_sizes[0]) if len(batch_sizes) else 0
    n = data.shape[0]
    idx = np.full((total_length, B), n, dtype=np.int64)  # row n is the padding row
    offset = 0
    for t, bs in enumerate(batch_sizes):
        idx[t, :bs] = np.arange(offset, offset + bs)
        offset += bs
    pad_row = _tc.full((1, *data.shape[1:]), padding_value, dtype=data.dtype)
    rows = _tc.cat([data, pad_row], 0)[_wrap(idx.reshape(-1))]
    return rows.reshape(total_length, B, *data.shape[1:])


def _lengths_from_batch_sizes(batch_sizes: np.ndarray) -> np.ndarray:
    B = int(batch_sizes[0]) if len(batch_sizes) else 0
    return (batch_sizes[:, None] > np.arange(B)[None, :]).sum(0).astype(np.int64)


def pack_padded_sequence(input: Tensor, lengths: Tensor | Sequence[int], batch_first: bool = False,
                         enforce_sorted: bool = True) -> PackedSequence:
    """Pack a padded batch (T, B, *) (or (B, T, *) with ``batch_first``) of sequences of ``lengths``.

    With ``enforce_sorted`` the lengths must decrease; otherwise the batch is sorted (stably)
    and ``sorted_indices`` records the order.

    >>> x = tc.randn(4, 3, 2)                         # T=4, B=3
    >>> p = pack_padded_sequence(x, [4, 2, 1])
    >>> p.data.shape, p.batch_sizes
    ((7, 2), tensor([3, 2, 1, 1]))
    """
    if not isinstance(input, Tensor):
        raise TypeError(f"pack_padded_sequence: input must be a Tensor, got {type(input).__name__}")
    if input.ndim < 2:
        raise RuntimeError(f"pack_padded_sequence: input must have at least 2 dimensions (T, B, *), got shape "
                           f"{tuple(input.shape)}")
    batch_dim = 0 if batch_first else 1
    lengths = _lengths_array(lengths, input.shape[batch_dim])
    if enforce_sorted:
        sorted_indices = None
        if (np.diff(lengths) > 0).any():
            raise RuntimeError("`lengths` array must be sorted in decreasing order when `enforce_sorted` is True. "
                               "You can pass `enforce_sorted=False` to pack_padded_sequence and/or pack_sequence to "
                               "sidestep this requirement if you do not need ONNX exportability.")
    else:
        order = np.argsort(-lengths, kind="stable")  # stable, as torch.sort's order on ties
        lengths = lengths[order]
        sorted_indices = _wrap(order.astype(np.int64))
        input = input.index_select(batch_dim, sorted_indices)
    if lengths.shape[0] and lengths.min() <= 0:
        raise RuntimeError("Length of all samples has to be greater than 0, but found an element in 'lengths' that "
                           "is <= 0")
    T = input.shape[1 if batch_first else 0]
    if lengths.shape[0] and lengths.max() > T:
        raise RuntimeError(f"pack_padded_sequence: a length of {int(lengths.max())} exceeds the padded sequence "
                           f"length {T} (input shape {tuple(input.shape)})")
    padded = input.transpose(0, 1) if batch_first else input
    data, batch_sizes = _pack_sorted(padded, lengths)
    return PackedSequence(data, _wrap(batch_sizes), sorted_indices, None)


def pad_packed_sequence(sequence: PackedSequence, batch_first: bool = False, padding_value: float = 0.0,
                        total_length: int | None = None) -> tuple[Tensor, Tensor]:
    """Inverse of ``pack_padded_sequence``: (padded (T, B, *) or (B, T, *), lengths int64), in the
    original batch order; T = ``total_length`` or the longest length.

    >>> padded, lengths = pad_packed_sequence(pack_sequence([tc.ones(3), tc.ones(1)]))
    >>> padded.shape, lengths
    ((3, 2), tensor([3, 1]))
    """
    if not isinstance(sequence, PackedSequence):
        raise TypeError(f"pad_packed_sequence: expected a PackedSequence, got {type(sequence).__name__}")
    batch_sizes = np.asarray(_array(sequence.batch_sizes), dtype=np.int64)
    max_seq_length = batch_sizes.shape[0]
    if total_length is not None:
        if total_length < max_seq_length:
            raise ValueError("Expected total_length to be at least the length of the longest sequence in input, but "
                             f"got total_length={total_length} and max sequence length being {max_seq_length}")
        max_seq_length = total_length
    padded = _unpack_sorted(sequence.data, batch_sizes, max_seq_length, padding_value)
    lengths = _lengths_from_batch_sizes(batch_sizes)
    if batch_first:
        padded = padded.transpose(0, 1)
    if sequence.unsorted_indices is not None:
        unsorted = np.asarray(_array(sequence.unsorted_indices), dtype=np.int64)
        padded = padded.index_select(0 if batch_first else 1, _wrap(unsorted))
        lengths = lengths[unsorted]
    return padded, _wrap(lengths)


def pad_sequence(sequences: Tensor | Iterable[Tensor], batch_first: bool = False,
                 padding_value: float = 0.0, padding_side: str = "right") -> Tensor:
    """Stack tensors of shapes (L_i, *) into (max L, B, *) (or (B, max L, *)), padding each
    with ``padding_value`` on the right (or the left).

    >>> pad_sequence([tc.ones(2), tc.ones(3)], batch_first=True)
    tensor([[1., 1., 0.],
            [1., 1., 1.]])
    """
    if isinstance(sequences, Tensor):
        sequences = [sequences[i] for i in range(sequences.shape[0])]
    elif not isinstance(sequences, Iterable):
        raise RuntimeError(f"pad_sequence: Expected iterable for input sequences, but got arg of type: "
                           f"{type(sequences)}")
    sequences = list(sequences)
    if not sequences:
        raise RuntimeError("received an empty list of sequences")
    if padding_side not in ("left", "right"):
        raise RuntimeError(f"Expected padding_side to be one of left or right, but got {padding_side}.")
    for i, s in enumerate(sequences):
        if not isinstance(s, Tensor):
            raise TypeError(f"pad_sequence: sequence {i} must be a Tensor, got {type(s).__name__}")
        if s.ndim == 0:
            raise RuntimeError(f"pad_sequence: sequence {i} is a 0-d tensor; each needs a length dimension")
    trailing = tuple(sequences[0].shape[1:])
    for i, s in enumerate(sequences):
        if tuple(s.shape[1:]) != trailing:
            raise RuntimeError(f"pad_sequence: sequence {i} has shape {tuple(s.shape)}, but every sequence must end "
                               f"in the trailing shape {trailing} of sequence 0")
    max_len = max(s.shape[0] for s in sequences)
    dtype = sequences[0].dtype
    padded = []
    for s in sequences:
        n = max_len - s.shape[0]
        if n == 0:
            padded.append(s)
            continue
        fill = _tc.full((n, *trailing), padding_value, dtype=dtype)
        padded.append(_tc.cat([s, fill] if padding_side == "right" else [fill, s], 0))
    return _tc.stack(padded, 0 if batch_first else 1)


def unpad_sequence(padded_sequences: Tensor, lengths: Tensor | Sequence[int],
                   batch_first: bool = False) -> list[Tensor]:
    """Inverse of ``pad_sequence``: the list of the B sequences, each cut to its length.

    >>> [s.shape for s in unpad_sequence(tc.zeros(3, 2), tc.tensor([3, 1]))]
    [(3,), (1,)]
    """
    x = padded_sequences if batch_first else padded_sequences.transpose(0, 1)
    lens = _array(lengths) if isinstance(lengths, Tensor) else np.asarray(lengths)
    if len(lens) != x.shape[0]:
        raise ValueError(f"unpad_sequence: {len(lens)} lengths for a batch of {x.shape[0]} sequences")
    return [x[i, :int(n)] for i, n in enumerate(lens)]


def pack_sequence(sequences: list[Tensor], enforce_sorted: bool = True) -> PackedSequence:
    """Pack a list of tensors (L_i, *) (pad_sequence, then pack_padded_sequence).

    >>> pack_sequence([tc.ones(2, 4), tc.ones(3, 4)], enforce_sorted=False).data.shape
    (5, 4)
    """
    lengths = [v.shape[0] for v in sequences]
    return pack_padded_sequence(pad_sequence(sequences), lengths, enforce_sorted=enforce_sorted)


def unpack_sequence(packed_sequences: PackedSequence) -> list[Tensor]:
    """Inverse of ``pack_sequence``: the list of sequences in their original order.

    >>> [s.shape for s in unpack_sequence(pack_sequence([tc.ones(2), tc.ones(3)], enforce_sorted=False))]
    [(2,), (3,)]
    """
    padded, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return unpad_sequence(padded, lengths, batch_first=True)


def _run_packed(module, packed: PackedSequence, hx):
    """Run nn.RNN/LSTM/GRU ``module`` over a PackedSequence, each sequence to its own length.

    Returns (PackedSequence output, h_n) with h_n (and c_n) at each sequence's last valid step,
    in the caller's batch order, as PyTorch does.
    """
    batch_sizes = np.asarray(_array(packed.batch_sizes), dtype=np.int64)
    padded = _unpack_sorted(packed.data, batch_sizes, batch_sizes.shape[0], 0.0)
    lengths = _lengths_from_batch_sizes(batch_sizes)
    # _prepare validates input and hx exactly as for a padded batch (in the module's layout)
    x, states, _ = module._prepare(padded.transpose(0, 1) if module.batch_first else padded, hx)
    if packed.sorted_indices is not None and hx is not None:
        states = [s.index_select(1, packed.sorted_indices) for s in states]
    out, finals = module._run(x, states, lengths)
    data, _ = _pack_sorted(out, lengths)
    if packed.unsorted_indices is not None:
        finals = [f.index_select(1, packed.unsorted_indices) for f in finals]
    output = PackedSequence(data, packed.batch_sizes, packed.sorted_indices, packed.unsorted_indices)
    if module.mode == "LSTM":
        return output, (finals[0], finals[1])
    return output, finals[0]
