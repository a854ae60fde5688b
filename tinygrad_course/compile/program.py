"""A recorded program and its replay: forward calls on arrays, the backward's node calls with
their gradient routing decided at trace time, and the replayed Python calls, in trace order.

No ``Tensor`` or graph node is created while replaying: each forward writes its result into
a holder tensor (a tensor object of the program's own whose array is rebound), backward runs
each node's formula on plain arrays exactly as the engine's walk would, in the same order, so
the numbers are the same bit for bit.
"""
import numpy as np

from ..autograd import _array, _set_array, _wrap
from ..autograd import saved as _saved
from ..autograd.grad_mode import _Mode

FWD1, FWDK, FWDN, FWDU, CALL, BWD = range(6)
_ARR = np.ndarray


def _as_array(o):
    if o.__class__ is _ARR or o is None:
        return o
    if hasattr(o, "grad_fn"):  # a Tensor (users' forwards may return them)
        return _array(o)
    return np.asarray(o)


class ArrayRef:
    """An op argument that is another tensor's raw array: this replay's array of ``holder``."""

    __slots__ = ("holder",)

    def __init__(self, holder):
        self.holder = holder


def _resolve(a):
    return _array(a.holder) if a.__class__ is ArrayRef else a


class Program:
    """One traced call of a function: run with ``run(input_tensors)``."""

    def __init__(self, code, input_holders, out_spec, grad_holders):
        self.code = code
        self.input_holders = input_holders
        self.out_spec = out_spec
        self.grad_holders = grad_holders
        self.n_ops = sum(1 for ins in code if ins[0] in (FWD1, FWDK, FWDN, FWDU))
        self.n_backward = sum(len(ins[2]) for ins in code if ins[0] == BWD)
        self.n_calls = sum(1 for ins in code if ins[0] == CALL)
        self._run = None  # the generated replay function (codegen.py), built on first use
        self.source = None

    def __repr__(self):
        return (f"<compiled program: {self.n_ops} forward ops, {self.n_backward} backward nodes, "
                f"{self.n_calls} replayed calls>")

    def holder_ids(self):
        """ids of the holder tensors (the program's own; every other tensor is someone else's)."""
        ids = {id(h) for h in self.input_holders}
        for ins in self.code:
            if ins[0] == FWD1:
                ids.add(id(ins[4]))
            elif ins[0] == FWDN:
                ids.update(id(h) for h in ins[4] if h is not None)
            elif ins[0] in (FWDK, FWDU):
                ids.update(id(h) for h in ins[5] if h is not None)
            elif ins[0] == CALL and ins[4] is not None:
                ids.add(id(ins[4]))
        ids.update(id(h) for h, _, _ in self.grad_holders)
        return ids

    def run(self, inputs):
        """Replay on ``inputs`` (the call's tensors, in the traced order); returns the outputs."""
        if self._run is None:
            from .codegen import generate

            self._run, self.source = generate(self)
        return self._run(inputs)

    def _call(self, ins, inputs):
        res = ins[1](*ins[2], **ins[3])
        if ins[4] is not None:
            _set_array(ins[4], _array(res))
        self._rebind_grads(inputs)

    def _forward_op(self, ins):
        if ins[0] == FWDN:
            outs = ins[1](ins[2], *ins[3])
            for h, o in zip(ins[4], outs):
                if h is not None:
                    _set_array(h, _as_array(o))
        else:
            self._forward_general(ins)

    def _forward_general(self, ins):
        k, fwd, ctx, args, kwargs, holders, is_tuple = ins
        args = [_resolve(a) for a in args]
        kwargs = {n: _resolve(a) for n, a in kwargs.items()}
        if k == FWDU:
            # a user's Function: forward runs with recording off, as Function.apply runs it
            prev = _Mode.enabled
            _Mode.enabled = False
            try:
                out = fwd(ctx, *args, **kwargs)
            finally:
                _Mode.enabled = prev
        else:
            out = fwd(ctx, *args, **kwargs)
        outs = out if is_tuple else (out,)
        for h, o in zip(holders, outs):
            if h is not None:
                _set_array(h, _as_array(o))
        saved = ctx._saved if k == FWDU else None
        if saved is not None:
            # outputs saved for backward come back as Tensors in a user's backward
            for j, sv in enumerate(saved):
                for i, o in enumerate(outs):
                    if sv is o and o is not None and holders[i] is not None:
                        _saved.save_output(ctx, j, holders[i], i)
                        break

    def _rebind_grads(self, inputs):
        for h, p, idx in self.grad_holders:
            if idx is not None:
                p = inputs[idx]
            g = p.grad
            if g is not None:
                _set_array(h, _array(g))

    def _outputs(self, spec, inputs):
        kind = spec[0]
        if kind == "h":  # an op's output: a fresh tensor around this replay's array
            return _wrap(_array(spec[1]))
        if kind == "in":
            return inputs[spec[1]]
        if kind == "grad":
            p = inputs[spec[2]] if spec[2] is not None else spec[1]
            return p.grad
        if kind == "seq":
            return spec[1](self._outputs(s, inputs) for s in spec[2])
        if kind == "dict":
            return {k: self._outputs(s, inputs) for k, s in spec[1]}
        return spec[1]  # "const": a persistent tensor or a plain value

