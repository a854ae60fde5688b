"""Conformance with PyTorch's own operator tests (op_db's sample and error inputs).

For every OpInfo of ``torch.testing._internal.common_methods_invocations.op_db``
whose name (or an alias) resolves to a callable of ours, the op's
``sample_inputs`` (float32, float64 with ``requires_grad``, int64, bool, where
the OpInfo supports the dtype) are converted to our tensors and run through our
op; we compare the raised exception class, output shapes, dtypes, values (NaN
positions included) and, for float64, the gradients of the sum of the outputs.
``error_inputs`` must raise the same exception class as PyTorch.

Known mismatches are strict xfails in ``KNOWN_SAMPLE_MISMATCHES`` and
``KNOWN_ERROR_MISMATCHES``: a new mismatch fails, a fixed one XPASSes (and
fails, so the list is kept honest). ``python tests/test_opdb_conformance.py``
prints the counts and regenerates the lists for review.
"""
from __future__ import annotations

import math
import sys
import warnings

import numpy as np
import pytest

import tinygrad_course as tc

torch = pytest.importorskip("torch")
pytest.importorskip("expecttest")

pytestmark = [pytest.mark.oracle, pytest.mark.slow]

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from torch.testing._internal.common_methods_invocations import op_db

DTYPES = (torch.float32, torch.float64, torch.int64, torch.bool)
# ops whose values are random or uninitialised: only shape, dtype and errors are compared
RANDOM_OPS = {
    "bernoulli", "multinomial", "normal", "rand_like", "randn_like", "randint_like", "randint", "rand", "randn",
    "empty", "empty_like", "new_empty", "new_empty_strided", "empty_strided", "empty_permuted", "uniform",
    "cauchy", "exponential", "geometric", "log_normal", "nn.functional.dropout", "nn.functional.dropout2d",
    "nn.functional.dropout3d", "nn.functional.alpha_dropout", "nn.functional.feature_alpha_dropout",
    "nn.functional.rrelu", "nn.functional.gumbel_softmax", "nn.functional.multi_head_attention_forward",
}
MAX_SAMPLES = 64  # per op and dtype
TOL = {torch.float32: (1e-4, 1e-5), torch.float64: (1e-7, 1e-9)}


def _resolve_attr(root, dotted: str):
    obj = root
    for part in dotted.split("."):
        obj = getattr(obj, part, None)
        if obj is None:
            return None
    return obj if callable(obj) else None


# op_db entries whose ``op`` reorders the arguments of the public function
REORDERED = {
    "nn.functional.embedding": lambda fn: lambda weight, idx, *a, **k: fn(idx, weight, *a, **k),
    "einsum": lambda fn: lambda tensors, equation, **k: fn(equation, *tensors, **k),
}


def _method(name: str):
    """``x.name(*a, **k)`` as torch's unbound method variant calls it (a non-Tensor ``x`` is a TypeError)."""
    def call(x, *a, **k):
        if not isinstance(x, tc.Tensor):
            raise TypeError(f"descriptor '{name}' requires a 'Tensor' object but received a '{type(x).__name__}'")
        out = getattr(x, name)(*a, **k)
        if out is NotImplemented:  # what Python's operator protocol would turn into a TypeError
            raise TypeError(f"unsupported operand type(s) for {name}")
        return out
    return call


def resolve(opinfo):
    """``(torch's callable, ours)`` for an OpInfo (both called ``fn(input, *args, **kwargs)``), or None.

    The function form is compared when the OpInfo's ``op`` is torch's function of that name; when it is a
    wrapper (``where``'s ``lambda self, cond, other``), the method variants are compared instead.
    """
    if opinfo.name == "normal" and opinfo.variant_test_name == "in_place":
        return opinfo.op, _method("normal_")  # op_db's op is torch.Tensor.normal_ behind a seeding wrapper
    names = [opinfo.name] + [a.name for a in getattr(opinfo, "aliases", ()) or ()]
    for name in names:
        if name.startswith("__") and name.endswith("__"):
            if hasattr(tc.Tensor, name):
                return opinfo.op, _method(name)
            continue
        if name.startswith("nn.functional."):
            fn = _resolve_attr(tc.nn.functional, name[len("nn.functional."):])
            torch_fn = _resolve_attr(torch.nn.functional, name[len("nn.functional."):])
        else:
            fn = _resolve_attr(tc, name)
            torch_fn = _resolve_attr(torch, name)
        if isinstance(fn, type):
            fn = None
        has_method = "." not in name and opinfo.method_variant is not None and hasattr(tc.Tensor, name)
        if fn is not None and opinfo.name in REORDERED:
            return opinfo.op, REORDERED[opinfo.name](fn)
        if fn is not None and (opinfo.op is torch_fn or not has_method):
            return opinfo.op, fn
        if has_method:
            return opinfo.method_variant, _method(name)
    return None


def op_id(opinfo) -> str:
    return opinfo.name + ("." + opinfo.variant_test_name if opinfo.variant_test_name else "")


RESOLVED = {id(o): r for o in op_db if (r := resolve(o)) is not None}
COVERED = [o for o in op_db if id(o) in RESOLVED]


class _Skip(Exception):
    """A sample we do not run (device/layout/memory_format arguments, a dtype we lack)."""


def _tc_dtype(d):
    name = str(d).replace("torch.", "")
    got = getattr(tc, name, None)
    if not isinstance(got, tc.float32.__class__):
        raise _Skip(f"dtype {d}")
    return got


def _storage_view(v, bases: dict):
    """``v`` as a tensor of ours over a copy of its whole storage, one copy per storage: tensors
    that share memory in torch (``out=`` an input, a slice of another) share it in ours, and an
    expanded tensor keeps its zero strides (what PyTorch's memory-overlap checks look at)."""
    st = v.untyped_storage()
    base = bases.get(st.data_ptr())
    if base is None:
        base = bases[st.data_ptr()] = torch.empty(0, dtype=torch.uint8).set_(st).numpy().copy()
    item = v.element_size()
    arr = np.ndarray(tuple(v.shape), dtype=v.detach().numpy().dtype, buffer=base, offset=v.storage_offset() * item,
                     strides=tuple(s * item for s in v.stride()))
    return tc.from_numpy(arr).requires_grad_(v.requires_grad)


def to_ours(v, leaves: list, memo: dict | None = None, bases: dict | None = None):
    """Convert a sample's torch values to ours; tensors that require grad are appended to ``leaves``.

    A tensor appearing twice (``stack([t, t])``) becomes one tensor of ours, through ``memo``; with
    ``bases`` (error inputs), tensors keep torch's memory sharing (``_storage_view``).
    """
    memo = {} if memo is None else memo
    if isinstance(v, torch.Tensor):
        if id(v) in memo:
            return memo[id(v)]
        if v.is_complex() or v.layout != torch.strided or v.dtype not in (
                torch.float32, torch.float64, torch.int64, torch.bool, torch.int32, torch.int16, torch.int8,
                torch.uint8, torch.float16):
            raise _Skip("tensor kind")
        if bases is not None:
            t = _storage_view(v, bases)
        else:
            t = tc.tensor(v.detach().numpy().copy(), requires_grad=v.requires_grad)
        memo[id(v)] = t
        if v.requires_grad:
            leaves.append(t)
        return t
    if isinstance(v, torch.Size):
        return tuple(v)
    if isinstance(v, torch.dtype):
        return _tc_dtype(v)
    if isinstance(v, (torch.device, torch.layout, torch.memory_format, torch.Generator)):
        raise _Skip("device/layout/memory_format")
    if isinstance(v, list):
        return [to_ours(x, leaves, memo, bases) for x in v]
    if isinstance(v, tuple):
        return tuple(to_ours(x, leaves, memo, bases) for x in v)
    if isinstance(v, dict):
        return {k: to_ours(x, leaves, memo, bases) for k, x in v.items()}
    if isinstance(v, complex):
        raise _Skip("complex")
    return v


def torch_leaves(v, out: list):
    if isinstance(v, torch.Tensor):
        if v.requires_grad and not any(v is x for x in out):
            out.append(v)
    elif isinstance(v, (list, tuple)):
        for x in v:
            torch_leaves(x, out)
    elif isinstance(v, dict):
        for x in v.values():
            torch_leaves(x, out)
    return out


def _builtin_base(exc_type):
    for k in exc_type.__mro__:
        if k.__module__ == "builtins":
            return k
    return Exception


def _flat(v, out: list):
    if isinstance(v, (list, tuple)) and not isinstance(v, torch.Size) and not isinstance(v, tc.Size):
        for x in v:
            _flat(x, out)
    else:
        out.append(v)
    return out


def compare_outputs(theirs, ours, dtype, random_op: bool) -> str | None:
    """None when ``ours`` matches ``theirs`` (torch), else a short reason."""
    t_flat, o_flat = _flat(theirs, []), _flat(ours, [])
    if len(t_flat) != len(o_flat):
        return f"structure: {len(t_flat)} outputs vs {len(o_flat)}"
    for t, o in zip(t_flat, o_flat):
        if isinstance(t, torch.Tensor):
            if not isinstance(o, tc.Tensor):
                return f"type: torch Tensor vs {type(o).__name__}"
            if tuple(t.shape) != tuple(o.shape):
                return f"shape: {tuple(t.shape)} vs {tuple(o.shape)}"
            if str(t.dtype).replace("torch.", "") != str(o.dtype).replace("tinygrad_course.", ""):
                return f"dtype: {t.dtype} vs {o.dtype}"
            if random_op:
                continue
            tn, on = t.detach().numpy(), o.detach().numpy()
            if tn.dtype.kind in "fc":
                if not np.array_equal(np.isnan(tn), np.isnan(on)):
                    return "NaN positions"
                rtol, atol = TOL.get(dtype, (1e-4, 1e-5)) if tn.dtype.itemsize >= 4 else (1e-2, 1e-2)
                if tn.dtype == np.float32:
                    rtol, atol = max(rtol, 1e-4), max(atol, 1e-5)
                if not np.allclose(on, tn, rtol=rtol, atol=atol, equal_nan=True):
                    return f"values: max |diff| {np.nanmax(np.abs(on.astype(np.float64) - tn)) if tn.size else 0}"
            elif not np.array_equal(tn, on):
                return "values (exact)"
        elif isinstance(t, (bool, int, float)) and not isinstance(t, torch.Size):
            if isinstance(o, tc.Tensor) or not isinstance(o, (bool, int, float, np.generic)):
                return f"type: {type(t).__name__} vs {type(o).__name__}"
            if not (t == o or (isinstance(t, float) and math.isnan(t) and math.isnan(o))):
                if not (isinstance(t, float) and math.isclose(t, o, rel_tol=1e-5, abs_tol=1e-6)):
                    return f"values: {t} vs {o}"
        elif isinstance(t, torch.Size) or t is None:
            if (None if o is None else tuple(o)) != (None if t is None else tuple(t)):
                return f"values: {t} vs {o}"
    return None


def compare_grads(t_out, o_out, t_leaves, o_leaves) -> str | None:
    t_parts = [x for x in _flat(t_out, []) if isinstance(x, torch.Tensor) and x.requires_grad]
    if not t_parts:
        return None
    o_parts = [x for x in _flat(o_out, []) if isinstance(x, tc.Tensor)]
    o_parts = [x for x in o_parts if x.requires_grad]
    if len(o_parts) != len(t_parts):
        return f"requires_grad: torch {len(t_parts)} outputs need grad, ours {len(o_parts)}"
    for tl in t_leaves:  # samples share input tensors: drop what an earlier sample accumulated
        tl.grad = None
    try:
        sum(p.sum() for p in t_parts).backward()
    except Exception:
        return None  # torch cannot differentiate this sample: nothing to compare
    try:
        sum(p.sum() for p in o_parts).backward()
    except Exception as e:  # noqa: BLE001 - reported as a mismatch
        return f"backward raised {type(e).__name__}: {str(e)[:80]}"
    for i, (tl, ol) in enumerate(zip(t_leaves, o_leaves)):
        tg = np.zeros(tuple(tl.shape)) if tl.grad is None else tl.grad.numpy(force=True)
        og = np.zeros(tuple(ol.shape)) if ol.grad is None else ol.grad.detach().numpy()
        if tg.shape != og.shape:
            return f"grad {i} shape {tg.shape} vs {og.shape}"
        if not np.allclose(og, tg, rtol=1e-6, atol=1e-8, equal_nan=True):
            return f"grad {i} values: max |diff| {np.nanmax(np.abs(og - tg))}"
    return None


ORDER_OPS = {"sort", "argsort", "topk", "msort", "kthvalue", "mode", "median", "nanmedian"}


def _has_ties(t) -> bool:
    a = t.detach().numpy()
    return np.unique(a).size < a.size


def run_sample(opinfo, sample, dtype) -> tuple[str, str | None]:
    """Run one sample on both engines: ('skip'|'fwd'|'grad', mismatch reason or None)."""
    torch_fn, fn = RESOLVED[id(opinfo)]
    kwargs = sample.kwargs
    if any(k in kwargs for k in ("device", "layout", "memory_format")):
        return "skip", None
    o_leaves: list = []
    try:
        memo: dict = {}
        o_in = to_ours(sample.input, o_leaves, memo)
        o_args = to_ours(tuple(sample.args), o_leaves, memo)
        o_kwargs = to_ours(dict(kwargs), o_leaves, memo)
    except Exception:  # noqa: BLE001 - _Skip, or a tensor NumPy cannot hold (> 64 dims)
        return "skip", None
    t_err = o_err = None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            t_out = torch_fn(sample.input, *sample.args, **kwargs)
        except Exception as e:  # noqa: BLE001
            t_err = e
        try:
            o_out = fn(o_in, *o_args, **o_kwargs)
        except Exception as e:  # noqa: BLE001
            o_err = e
    if t_err is not None or o_err is not None:
        if t_err is None:
            return "fwd", f"we raise {type(o_err).__name__}: {str(o_err)[:100]}"
        if o_err is None:
            return "fwd", f"torch raises {type(t_err).__name__}, we return"
        base = _builtin_base(type(t_err))
        return "fwd", None if isinstance(o_err, base) else f"torch raises {base.__name__}, we {type(o_err).__name__}"
    random_op = opinfo.name in RANDOM_OPS or bool(kwargs.get("dropout_p"))
    values_only = False
    if opinfo.name in ORDER_OPS and isinstance(sample.input, torch.Tensor) and _has_ties(sample.input):
        # torch's default sort is unstable: with ties only the values are determined
        if opinfo.name == "argsort":
            random_op = True
        elif isinstance(t_out, tuple):
            t_out, o_out = t_out[0], o_out[0]
            # for a rank pick, where the gradient goes among equal values is torch's own choice too
            values_only = opinfo.name in ("kthvalue", "median", "nanmedian", "mode")
    bad = compare_outputs(t_out, o_out, dtype, random_op)
    if bad or dtype != torch.float64 or random_op or values_only:
        return "fwd", bad
    t_leaves = torch_leaves((sample.input, sample.args, sample.kwargs), [])
    if not t_leaves:
        return "fwd", None
    return "grad", compare_grads(t_out, o_out, t_leaves, o_leaves)


def _dtype_ok(opinfo, dtype) -> bool:
    try:
        return dtype in opinfo.supported_dtypes("cpu")
    except Exception:  # noqa: BLE001
        return False


def check_samples(opinfo) -> dict:
    """Stats and mismatch reasons of one OpInfo's samples over DTYPES."""
    stats = {"fwd": 0, "fwd_ok": 0, "grad": 0, "grad_ok": 0, "bad": []}
    for dtype in DTYPES:
        if not _dtype_ok(opinfo, dtype):
            continue
        rg = dtype == torch.float64 and opinfo.supports_autograd
        torch.manual_seed(0)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                samples = list(opinfo.sample_inputs("cpu", dtype, requires_grad=rg))
        except Exception:  # noqa: BLE001 - torch's generator itself failed
            continue
        step = max(1, math.ceil(len(samples) / MAX_SAMPLES))  # the pooling ops yield ~1,000: an even spread
        for sample in samples[::step]:
            kind, bad = run_sample(opinfo, sample, dtype)
            if kind == "skip":
                continue
            stats["fwd"] += 1
            if kind == "grad":
                stats["grad"] += 1
                stats["fwd_ok"] += 1
                stats["grad_ok"] += bad is None
            else:
                stats["fwd_ok"] += bad is None
            if bad:
                stats["bad"].append(f"{str(dtype)[6:]}: {bad}")
    return stats


def check_errors(opinfo) -> dict:
    """Stats and mismatch reasons of one OpInfo's error_inputs."""
    torch_fn, fn = RESOLVED[id(opinfo)]
    stats = {"err": 0, "err_ok": 0, "bad": []}
    if opinfo.error_inputs_func is None:
        return stats
    torch.manual_seed(0)
    try:
        errs = list(opinfo.error_inputs("cpu"))
    except Exception:  # noqa: BLE001
        return stats
    for ei in errs:
        s = ei.sample_input
        if any(k in s.kwargs for k in ("device", "layout", "memory_format")):
            continue
        leaves: list = []
        try:
            memo, bases = {}, {}  # one conversion for the whole call: out= may alias an input, as in torch
            args = (to_ours(s.input, leaves, memo, bases), to_ours(tuple(s.args), leaves, memo, bases),
                    to_ours(dict(s.kwargs), leaves, memo, bases))
        except Exception:  # noqa: BLE001 - _Skip, or a tensor NumPy cannot hold
            continue
        try:  # error_inputs are meant to raise; those torch itself accepts today are not held against us
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                torch_fn(s.input, *s.args, **s.kwargs)
            continue
        except Exception as e:  # noqa: BLE001
            base = _builtin_base(type(e))
        stats["err"] += 1
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                fn(args[0], *args[1], **args[2])
            except Exception as e:  # noqa: BLE001
                if isinstance(e, base):
                    stats["err_ok"] += 1
                else:
                    stats["bad"].append(f"torch {base.__name__} ({ei.error_regex[:50]}), we {type(e).__name__}")
                continue
        stats["bad"].append(f"torch {base.__name__} ({ei.error_regex[:50]}), we return")
    return stats


# Reviewed known mismatches: op id -> reason (regenerate the raw lists with ``python tests/test_opdb_conformance.py``
# and review them before editing these). Strict xfails: a new mismatch fails, a fixed one XPASSes.
KNOWN_SAMPLE_MISMATCHES: dict[str, str] = {
    "zero_": "op_db applies zero_ to a leaf that requires grad through its method variant; ours raises as "
             "PyTorch does for in-place on such a leaf (torch's sample path differs: a harness limitation)",
    "norm.nuc": "the nuclear norm needs an SVD primitive with a twice-differentiable backward: not implemented",
    "nn.functional.embedding": "sparse=True gradients are not supported (we raise, naming sparse=False)",
}
KNOWN_ERROR_MISMATCHES: dict[str, str] = {
    "gather": "out= a too-small slice of the index's own storage: PyTorch resizes it in place into that storage, "
              "then reports the overlap; our resize gives out fresh memory",
}


def _params(known: dict, with_errors: bool):
    out = []
    for o in COVERED:
        if with_errors and o.error_inputs_func is None:
            continue
        i = op_id(o)
        marks = [pytest.mark.xfail(strict=True, reason=known[i])] if i in known else []
        out.append(pytest.param(o, id=i, marks=marks))
    return out


@pytest.mark.parametrize("opinfo", _params(KNOWN_SAMPLE_MISMATCHES, False))
def test_sample_inputs_match_torch(opinfo):
    stats = check_samples(opinfo)
    assert not stats["bad"], f"{op_id(opinfo)}: {len(stats['bad'])} mismatches, e.g. " + "; ".join(stats["bad"][:3])


@pytest.mark.parametrize("opinfo", _params(KNOWN_ERROR_MISMATCHES, True))
def test_error_inputs_match_torch(opinfo):
    stats = check_errors(opinfo)
    assert not stats["bad"], f"{op_id(opinfo)}: " + "; ".join(stats["bad"][:3])


def test_known_lists_name_covered_ops():
    ids = {op_id(o) for o in COVERED}
    assert not (set(KNOWN_SAMPLE_MISMATCHES) | set(KNOWN_ERROR_MISMATCHES)) - ids


def main() -> None:  # pragma: no cover - a reviewing tool
    import time
    tot = {"fwd": 0, "fwd_ok": 0, "grad": 0, "grad_ok": 0, "err": 0, "err_ok": 0}
    sample_bad, err_bad, t0 = {}, {}, time.time()
    only = sys.argv[1:]
    for o in COVERED:
        if only and op_id(o) not in only and o.name not in only:
            continue
        t1 = time.time()
        s, e = check_samples(o), check_errors(o)
        for k in ("fwd", "fwd_ok", "grad", "grad_ok"):
            tot[k] += s[k]
        tot["err"] += e["err"]
        tot["err_ok"] += e["err_ok"]
        if s["bad"]:
            sample_bad[op_id(o)] = s["bad"]
        if e["bad"]:
            err_bad[op_id(o)] = e["bad"]
        if time.time() - t1 > 1.5:
            print(f"# slow: {op_id(o)} {time.time() - t1:.1f}s", file=sys.stderr)
    print(f"# ops covered {len(COVERED)} of {len(op_db)}; samples {tot['fwd_ok']}/{tot['fwd']}; "
          f"gradients {tot['grad_ok']}/{tot['grad']}; error inputs {tot['err_ok']}/{tot['err']}; "
          f"{time.time() - t0:.0f}s")
    print("KNOWN_SAMPLE_MISMATCHES = {")
    for k, v in sample_bad.items():
        print(f"    {k!r}: {('; '.join(sorted(set(v)))[:150])!r},  # {len(v)}")
    print("}\nKNOWN_ERROR_MISMATCHES = {")
    for k, v in err_bad.items():
        print(f"    {k!r}: {('; '.join(sorted(set(v)))[:150])!r},  # {len(v)}")
    print("}")


if __name__ == "__main__":  # pragma: no cover
    main()
