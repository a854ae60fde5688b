"""The bad inputs whose exception kind was made PyTorch's (the entries removed from KNOWN in
test_bad_input_kinds.py), each beside legitimate variants of the same call that must keep working
(NumPy integer dims, tuples, negative dims, the empty-tensor cases PyTorch lets through)."""
import numpy as np
import pytest

import tinygrad_course as tc

torch = pytest.importorskip("torch")

X = np.arange(6.0).reshape(2, 3) + 1


def _run(f, lib):
    try:
        r = f(lib, lib.tensor(X))
    except Exception as e:  # the kind is what is compared
        return type(e)
    return (tuple(r.shape), str(r.dtype).split(".")[-1], np.asarray(r.tolist(), dtype=float).round(4).tolist())


def _e(*shape, dtype="float32"):
    return lambda L: L.zeros(*shape, dtype=getattr(L, dtype))


BAD = {  # name -> the call; both libraries must raise the same kind
    "abs_bool": lambda L, t: (t > 2).abs(),
    "relu_bool": lambda L, t: L.relu(t > 2),
    "floor_bool": lambda L, t: L.floor(t > 2),
    "ceil_bool": lambda L, t: (t > 2).ceil(),
    "sub_bool_float": lambda L, t: L.sub(t > 2, 1.5),
    "sub_float_bool": lambda L, t: t - (t > 2),
    "sub_bool_bool": lambda L, t: (t > 2) - (t > 3),
    "rsub_bool": lambda L, t: 1 - (t > 2),
    "sub_true": lambda L, t: L.sub(t, True),
    "sub_bool_str": lambda L, t: L.sub(t > 2, "a"),
    "mul_tuple": lambda L, t: L.mul(t, (0, 0)),
    "add_list": lambda L, t: L.add(t, [1.0, 2.0, 3.0]),
    "pow_tuple": lambda L, t: L.pow(t, (0, 0)),
    "pow_bool_bool": lambda L, t: L.pow(t > 2, t > 3),
    "eq_none": lambda L, t: L.eq(t, None),
    "eq_object": lambda L, t: t.eq(object()),
    "lt_tuple": lambda L, t: L.lt(t, (0, 0)),
    "lt_op_none": lambda L, t: t < None,
    "maximum_none": lambda L, t: L.maximum(t, None),
    "minimum_tuple": lambda L, t: L.minimum(t, (1, 2, 3)),
    "matmul_float": lambda L, t: L.matmul(t, 1.5),
    "matmul_bool": lambda L, t: L.matmul(t > 2, (t > 2).T),
    "dot_str": lambda L, t: L.dot(t[0], "a"),
    "dot_bool": lambda L, t: L.dot(t[0] > 2, t[1] > 2),
    "logical_and_str": lambda L, t: L.logical_and(t, "a"),
    "remainder_bool": lambda L, t: L.remainder(t > 2, t > 3),
    "fmod_bool_true": lambda L, t: L.fmod(t > 2, True),
    "sum_str_in_list": lambda L, t: L.sum(t, [1, "x"]),
    "amin_str_in_list": lambda L, t: L.amin(t, [1, "x"]),
    "any_float_in_list": lambda L, t: L.any(t, [0, 1.5]),
    "mean_int_str": lambda L, t: L.mean(t.long(), "a"),
    "std_int_float": lambda L, t: L.std(t.long(), 1.5),
    "var_int_list": lambda L, t: L.var(t.long(), [1, "x"]),
    "prod_none": lambda L, t: L.prod(t, None),
    "prod_tuple": lambda L, t: t.prod((0, 1)),
    "squeeze_none": lambda L, t: L.squeeze(t, None),
    "flip_int": lambda L, t: L.flip(t, 0),
    "flip_none": lambda L, t: L.flip(t, None),
    "logsumexp_none": lambda L, t: L.logsumexp(t, None),
    "logsumexp_empty_dims": lambda L, t: L.logsumexp(t, ()),
    "argmax_bool": lambda L, t: L.argmax(t > 2, 0),
    "argmin_bool_all": lambda L, t: (t > 2).argmin(),
    "argmax_str": lambda L, t: L.argmax(t > 2, "a"),
    "softmax_int": lambda L, t: L.softmax(t.long(), 0),
    "log_softmax_bool": lambda L, t: (t > 2).log_softmax(-1),
    "amax_empty_repeat": lambda L, t: L.amax(t[:0], (0, 0)),
    "amax_empty_list": lambda L, t: L.amax(t[:, :0], []),
}

GOOD = {  # name -> a legitimate call; same shape, dtype and values in both
    "prod_all": lambda L, t: t.prod(),
    "prod_np_dim": lambda L, t: L.prod(t, np.int64(0)),
    "prod_dtype": lambda L, t: L.prod(t, dtype=L.float64),
    "squeeze_all": lambda L, t: t.reshape(1, 2, 1, 3).squeeze(),
    "squeeze_tuple": lambda L, t: t.reshape(1, 2, 1, 3).squeeze((0, 2)),
    "squeeze_np_dim": lambda L, t: L.squeeze(t.reshape(1, 6), np.int64(0)),
    "sum_np_dims": lambda L, t: t.sum((np.int64(0),)),
    "mean_neg_dims": lambda L, t: L.mean(t, (0, -1)),
    "var_unbiased_overload": lambda L, t: t.var(True),
    "std_dims": lambda L, t: L.std(t, (0, 1)),
    "amax_empty_tuple": lambda L, t: L.amax(t, ()),
    "amax_empty_list": lambda L, t: L.amax(t, []),
    "amax_empty_input_dim": lambda L, t: L.amax(t[:, :0], 0),
    "argmax_np_dim": lambda L, t: t.argmax(np.int64(1)),
    "argmax_int": lambda L, t: L.argmax(t.long(), 0),
    "logsumexp_dims": lambda L, t: L.logsumexp(t, (0, 1)),
    "logsumexp_int": lambda L, t: L.logsumexp(t.long(), 1),
    "logsumexp_empty_input": lambda L, t: L.logsumexp(t[:0], 1),
    "softmax_dtype": lambda L, t: L.softmax(t.long(), 1, dtype=L.float32),
    "softmax_empty_int": lambda L, t: L.softmax(t.long()[:0], 0),
    "log_softmax_empty": lambda L, t: L.log_softmax(t[:, :0], 1),
    "flip_tuple": lambda L, t: L.flip(t, (0,)),
    "flip_size": lambda L, t: L.flip(t, t.shape),
    "flip_method_int": lambda L, t: t.flip(0),
    "flip_method_ints": lambda L, t: t.flip(0, 1),
    "all_dims": lambda L, t: t.all((0, 1)),
    "abs_int": lambda L, t: t.long().abs(),
    "relu_int": lambda L, t: L.relu(t.long()),
    "floor_int": lambda L, t: t.long().floor(),
    "sub_int": lambda L, t: t.long() - 1,
    "rsub": lambda L, t: 1 - t,
    "sub_np_scalar": lambda L, t: t - np.float64(1.0),
    "add_bool_bool": lambda L, t: (t > 2) + (t > 3),
    "pow_int_neg_0d": lambda L, t: L.pow(t.long(), L.tensor(-1)),
    "pow_float_0d": lambda L, t: L.pow(t, L.tensor(2)),
    "pow_bool_int_tensor": lambda L, t: L.pow(t > 2, L.tensor(2)),
    "pow_int_bool_tensor": lambda L, t: L.pow(t.long(), t > 2),
    "eq_number": lambda L, t: L.eq(t, 2),
    "eq_np_scalar": lambda L, t: L.eq(t, np.float64(2)),
    "ne_number": lambda L, t: L.ne(t, 2),
    "lt_np_int": lambda L, t: L.lt(t, np.int64(3)),
    "eq_op_none": lambda L, t: L.tensor(t == None),  # noqa: E711 (== None is False, not an error)
    "maximum": lambda L, t: L.maximum(t, t * 0 + 3),
    "matmul": lambda L, t: L.matmul(t, t.T),
    "dot": lambda L, t: L.dot(t[0], t[1]),
    "matmul_bool_empty": lambda L, t: L.matmul((t > 2)[:, :0], (t > 2).T[:0]),
    "logical_and": lambda L, t: L.logical_and(t > 2, t > 3),
    "and_op_bool": lambda L, t: (t > 2) & True,
    "remainder_int": lambda L, t: L.remainder(t.long(), 2),
    "remainder_int_zero_empty": lambda L, t: L.remainder(t.long()[:0], 0),
    "fmod_bool_int": lambda L, t: L.fmod(t > 2, 1),
    "logit_bool": lambda L, t: L.logit(t > 2, eps=0.25),
}


@pytest.mark.oracle
@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_input_raises_torchs_kind(name):
    ours, theirs = _run(BAD[name], tc), _run(BAD[name], torch)
    assert isinstance(theirs, type), f"{name}: PyTorch accepts it ({theirs})"
    assert isinstance(ours, type) and (issubclass(ours, theirs) or issubclass(theirs, ours)), (name, ours, theirs)


@pytest.mark.oracle
@pytest.mark.parametrize("name", sorted(GOOD))
def test_legitimate_variant_still_works(name):
    assert _run(GOOD[name], tc) == _run(GOOD[name], torch)


def test_messages_name_the_op_and_the_offending_value():
    t = tc.ones(2, 3)
    for call, words in [
        (lambda: tc.sum(t, [1, "x"]), ["sum()", "str"]),
        (lambda: tc.mul(t, (0, 0)), ["mul()", "tuple"]),
        (lambda: tc.eq(t, None), ["eq()", "NoneType"]),
        (lambda: tc.softmax(t.long(), 0), ["softmax()", "int64"]),
        (lambda: tc.argmax(t > 0), ["argmax()", "bool"]),
        (lambda: tc.abs(t > 0), ["abs()", "bool"]),
        (lambda: tc.sub(t > 0, 1.0), ["sub()", "bool", "(2, 3)"]),
        (lambda: tc.prod(t, None), ["prod()", "NoneType"]),
    ]:
        with pytest.raises((TypeError, RuntimeError, NotImplementedError)) as e:
            call()
        assert all(w in str(e.value) for w in words), (words, str(e.value))
