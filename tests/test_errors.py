"""Bad input: every mistake raises the exception kind PyTorch raises, with a message naming the
op and the offending shapes/dtypes/values, no NumPy traceback attached, and nothing modified."""
import re

import numpy as np
import pytest

import tinygrad_course as tc


def T(*shape, dtype=tc.float32, rg=False):
    return tc.tensor(np.arange(int(np.prod(shape)), dtype=np.float64).reshape(shape) / 7 + 0.5, dtype=dtype,
                     requires_grad=rg)


def I(*values):
    return tc.tensor(list(values))


# (id, inputs factory, action on the inputs, exception kind, regex the message must match)
CASES = [
    # matmul
    ("matmul_shapes", lambda: [T(2, 3), T(2, 3)], lambda a, b: a @ b, RuntimeError, r"matmul.*2x3 and 2x3"),
    ("matmul_1d", lambda: [T(3), T(4)], lambda a, b: tc.matmul(a, b), RuntimeError, r"matmul.*\b3 and 4\b"),
    ("matmul_batch", lambda: [T(2, 2, 3), T(3, 3, 4)], lambda a, b: a @ b, RuntimeError,
     r"matmul.*\(2, 2, 3\).*\(3, 3, 4\)"),
    ("matmul_0d", lambda: [T(), T(3)], lambda a, b: a @ b, RuntimeError, r"matmul.*at least 1D.*0D and 1D"),
    ("matmul_dtype", lambda: [T(2, 3), T(3, 2, dtype=tc.float64)], lambda a, b: a @ b, RuntimeError,
     r"matmul.*same dtype.*float32.*float64"),
    ("mm_3d", lambda: [T(2, 3, 4), T(4, 2)], lambda a, b: a.mm(b), RuntimeError, r"mm.*\(2, 3, 4\)"),
    ("einsum_shapes", lambda: [T(2, 3), T(4, 5)], lambda a, b: tc.einsum("ij,jk->ik", a, b), RuntimeError,
     r"einsum.*\(2, 3\), \(4, 5\)"),
    ("einsum_operands", lambda: [T(2, 3)], lambda a: tc.einsum("ij,jk->ik", a), RuntimeError, r"einsum.*2 operands"),
    # joins
    ("cat_sizes", lambda: [T(2, 3), T(2, 4)], lambda a, b: tc.cat([a, b]), RuntimeError,
     r"cat.*Expected size 3 but got size 4.*\(2, 3\), \(2, 4\)"),
    ("cat_ndim", lambda: [T(2, 3), T(3)], lambda a, b: tc.cat([a, b]), RuntimeError, r"cat.*same number of dimensions.*2 and 1"),
    ("cat_dim", lambda: [T(2), T(2)], lambda a, b: tc.cat([a, b], dim=1), IndexError, r"cat.*Dimension out of range.*got 1"),
    ("cat_empty", lambda: [], lambda: tc.cat([]), ValueError, r"cat.*non-empty"),
    ("cat_not_tensor", lambda: [T(2)], lambda a: tc.cat([a, [1.0, 2.0]]), TypeError, r"cat.*element 1 is list"),
    ("stack_shapes", lambda: [T(2), T(3)], lambda a, b: tc.stack([a, b]), RuntimeError, r"stack.*\[2\] at entry 0 and \[3\] at entry 1"),
    ("split_sizes", lambda: [T(4)], lambda a: a.split([1, 2]), RuntimeError, r"split.*sum exactly to 4.*\[1, 2\]"),
    ("chunk_zero", lambda: [T(4)], lambda a: a.chunk(0), RuntimeError, r"chunk.*greater than 0, got: 0"),
    ("pad_odd", lambda: [T(2, 3)], lambda a: tc.pad(a, (1,)), RuntimeError, r"pad.*divisible by 2"),
    ("pad_reflect", lambda: [T(1, 2, 3)], lambda a: tc.pad(a, (3, 3), mode="reflect"), RuntimeError,
     r"pad.*padding \(3, 3\).*\[1, 2, 3\]"),
    # reshape and friends
    ("reshape", lambda: [T(2, 3)], lambda a: a.reshape(4, 2), RuntimeError, r"reshape.*\[4, 2\].*size 6.*\(2, 3\)"),
    ("view", lambda: [T(2, 3)], lambda a: a.view(5), RuntimeError, r"\[5\].*size 6"),
    ("reshape_two_inferred", lambda: [T(2, 3)], lambda a: a.reshape(-1, -1), RuntimeError, r"only one dimension can be inferred"),
    ("expand", lambda: [T(2, 3)], lambda a: a.expand(4, 3), RuntimeError, r"expanded size.*\(4\).*existing size \(2\).*\[4, 3\]"),
    ("repeat_dims", lambda: [T(2, 3)], lambda a: a.repeat(2), RuntimeError, r"repeat.*smaller than number of dimensions"),
    ("permute_dup", lambda: [T(2, 3)], lambda a: a.permute(0, 0), RuntimeError, r"permute.*duplicate.*\(0, 0\)"),
    ("permute_len", lambda: [T(2, 3)], lambda a: a.permute(0), RuntimeError, r"permute.*input.dim\(\) = 2.*len\(dims\) = 1"),
    ("flatten_order", lambda: [T(2, 3)], lambda a: a.flatten(1, 0), RuntimeError, r"flatten.*start_dim cannot come after end_dim"),
    # broadcasting
    ("broadcast_add", lambda: [T(2, 3), T(4)], lambda a, b: a + b, RuntimeError, r"add.*\(2, 3\).*\(4,\)"),
    ("broadcast_sub", lambda: [T(2, 3), T(2)], lambda a, b: a - b, RuntimeError, r"sub.*\(2, 3\).*\(2,\)"),
    ("broadcast_mul", lambda: [T(2, 3), T(3, 2)], lambda a, b: a * b, RuntimeError, r"mul.*\(2, 3\).*\(3, 2\)"),
    ("broadcast_div", lambda: [T(3), T(4)], lambda a, b: a / b, RuntimeError, r"div.*\(3,\).*\(4,\)"),
    ("broadcast_pow", lambda: [T(3), T(4)], lambda a, b: a ** b, RuntimeError, r"pow.*\(3,\).*\(4,\)"),
    ("broadcast_maximum", lambda: [T(3), T(4)], lambda a, b: tc.maximum(a, b), RuntimeError, r"maximum.*\(3,\).*\(4,\)"),
    ("broadcast_where", lambda: [T(3), T(2)], lambda a, b: tc.where(a > 1, a, b), RuntimeError, r"where.*\(3,\).*\(2,\)"),
    ("broadcast_compare", lambda: [T(3), T(2)], lambda a, b: a < b, RuntimeError, r"lt.*\(3,\).*\(2,\)"),
    # dtypes
    ("int_requires_grad", lambda: [], lambda: tc.tensor([1, 2], requires_grad=True), RuntimeError,
     r"tensor.*floating point.*int64"),
    ("int_zeros_requires_grad", lambda: [], lambda: tc.zeros(2, dtype=tc.int64, requires_grad=True), RuntimeError,
     r"zeros.*floating point.*int64"),
    ("int_requires_grad_", lambda: [I(1, 2)], lambda a: a.requires_grad_(), RuntimeError, r"requires_grad_.*int64"),
    ("int_requires_grad_setter", lambda: [I(1, 2)], lambda a: setattr(a, "requires_grad", True), RuntimeError, r"int64"),
    ("bool_neg", lambda: [tc.tensor([True])], lambda a: -a, RuntimeError, r"neg.*bool"),
    ("int_mean", lambda: [I(1, 2)], lambda a: a.mean(), RuntimeError, r"mean.*int64"),
    ("int_var", lambda: [I(1, 2)], lambda a: a.var(), RuntimeError, r"var.*floating point.*int64"),
    ("int_neg_power", lambda: [I(2)], lambda a: a ** -1, RuntimeError, r"pow.*negative integer powers"),
    ("where_condition", lambda: [T(2)], lambda a: tc.where(a, a, a), RuntimeError, r"where.*bool.*float32"),
    ("gather_float_index", lambda: [T(2, 3)], lambda a: a.gather(1, T(2, 1)), RuntimeError, r"gather.*int64.*float32"),
    ("bad_data_str", lambda: [], lambda: tc.tensor("abc"), TypeError, r"invalid data type 'str'"),
    ("bad_data_ragged", lambda: [], lambda: tc.tensor([[1, 2], [3]]), ValueError, r"tensor.*equal-length"),
    ("bad_operand", lambda: [T(2)], lambda a: a + "x", TypeError, r"add.*str"),
    ("bad_to", lambda: [T(2)], lambda a: a.to("cuda"), RuntimeError, r"to.*'cuda'.*CPU only"),
    ("from_numpy_list", lambda: [], lambda: tc.from_numpy([1, 2]), TypeError, r"expected np.ndarray \(got list\)"),
    ("negative_size", lambda: [], lambda: tc.zeros(2, -1), RuntimeError, r"zeros.*non-negative.*\[2, -1\]"),
    ("eye_negative", lambda: [], lambda: tc.eye(-1), RuntimeError, r"eye.*-1"),
    ("full_str", lambda: [], lambda: tc.full((2,), "a"), TypeError, r"full.*number.*str"),
    ("new_zeros_negative", lambda: [T(2)], lambda a: a.new_zeros(-1), RuntimeError, r"negative dimension.*\[-1\]"),
    ("reshape_str", lambda: [T(2, 3)], lambda a: a.reshape("a"), TypeError, r"shape.*'a'"),
    ("repeat_float", lambda: [T(2, 3)], lambda a: a.repeat(0.5, 1), TypeError, r"shape.*0.5"),
    ("to_device_index", lambda: [T(2)], lambda a: a.to(5), RuntimeError, r"to.*'5'.*CPU only"),
    ("set_default_int", lambda: [], lambda: tc.set_default_dtype(tc.int64), TypeError, r"floating-point.*int64"),
    # indexing
    ("index_int", lambda: [T(3)], lambda a: a[5], IndexError, r"index 5 is out of bounds for dimension 0 with size 3"),
    ("index_negative", lambda: [T(3)], lambda a: a[-4], IndexError, r"index -4 is out of bounds for dimension 0 with size 3"),
    ("index_2d", lambda: [T(2, 3)], lambda a: a[1, 3], IndexError, r"index 3 is out of bounds for dimension 1 with size 3.*\(2, 3\)"),
    ("index_list", lambda: [T(3)], lambda a: a[[0, 5]], IndexError, r"index 5 is out of bounds.*size 3"),
    ("index_tensor", lambda: [T(3)], lambda a: a[I(0, 3)], IndexError, r"index 3 is out of bounds.*size 3"),
    ("index_too_many", lambda: [T(3)], lambda a: a[0, 0], IndexError, r"too many indices.*\(3,\)"),
    ("index_float_tensor", lambda: [T(3)], lambda a: a[T(1)], IndexError, r"long, int, byte or bool.*float32"),
    ("index_mask_shape", lambda: [T(3)], lambda a: a[tc.tensor([True, False])], IndexError, r"boolean index.*3.*2"),
    ("index_type", lambda: [T(3)], lambda a: a["x"], TypeError, r"valid indices.*str"),
    ("gather_out_of_range", lambda: [T(3)], lambda a: a.gather(0, I(5)), RuntimeError, r"gather.*index 5 is out of bounds"),
    ("gather_ndim", lambda: [T(2, 3)], lambda a: a.gather(1, I(0)), RuntimeError, r"gather.*same number of dimensions.*\(1,\).*\(2, 3\)"),
    ("setitem_shape", lambda: [T(3)], lambda a: a.__setitem__(slice(0, 2), T(3)), RuntimeError, r"__setitem__.*\(3,\).*\(2,\)"),
    # dims
    ("sum_dim", lambda: [T(2, 3)], lambda a: a.sum(2), IndexError, r"sum.*range of \[-2, 1\].*got 2"),
    ("sum_dim_negative", lambda: [T(2, 3)], lambda a: a.sum(-3), IndexError, r"sum.*got -3"),
    ("sum_dim_repeated", lambda: [T(2, 3)], lambda a: a.sum((0, 0)), RuntimeError, r"sum.*multiple times"),
    ("sum_dim_float", lambda: [T(2, 3)], lambda a: a.sum(1.5), TypeError, r"sum.*dim must be an int.*float"),
    ("mean_dim", lambda: [T(2, 3)], lambda a: a.mean(dim=5), IndexError, r"mean.*got 5"),
    ("softmax_dim", lambda: [T(2, 3)], lambda a: a.softmax(5), IndexError, r"softmax.*got 5"),
    ("log_softmax_dim", lambda: [T(2, 3)], lambda a: a.log_softmax(-3), IndexError, r"log_softmax.*got -3"),
    ("transpose_dim", lambda: [T(2, 3)], lambda a: a.transpose(0, 2), IndexError, r"transpose.*got 2"),
    ("unsqueeze_dim", lambda: [T(2, 3)], lambda a: a.unsqueeze(4), IndexError, r"unsqueeze.*\[-3, 2\].*got 4"),
    ("squeeze_dim", lambda: [T(2, 3)], lambda a: a.squeeze(3), IndexError, r"squeeze.*got 3"),
    ("max_dim", lambda: [T(2, 3)], lambda a: a.max(2), IndexError, r"max.*got 2"),
    ("argmax_dim", lambda: [T(2, 3)], lambda a: a.argmax(2), IndexError, r"argmax.*got 2"),
    ("prod_dim", lambda: [T(2, 3)], lambda a: a.prod(3), IndexError, r"prod.*got 3"),
    ("var_dim", lambda: [T(2, 3)], lambda a: a.var(3), IndexError, r"var.*got 3"),
    ("norm_dim", lambda: [T(2, 3)], lambda a: a.norm(dim=3), IndexError, r"norm.*got 3"),
    ("logsumexp_dim", lambda: [T(2, 3)], lambda a: a.logsumexp(3), IndexError, r"got 3"),
    ("gather_dim", lambda: [T(2, 3)], lambda a: a.gather(2, tc.zeros(2, 3, dtype=tc.int64)), IndexError, r"gather.*got 2"),
    ("split_dim", lambda: [T(2, 3)], lambda a: a.split(1, dim=2), IndexError, r"split.*got 2"),
    ("var_unbiased_and_correction", lambda: [T(3)], lambda a: a.var(unbiased=True, correction=1), TypeError, r"var.*both"),
    ("clamp_no_bounds", lambda: [T(3)], lambda a: a.clamp(), RuntimeError, r"clamp.*min.*max"),
    ("norm_type", lambda: [T(3)], lambda a: a.norm(p="nuc"), RuntimeError, r"norm.*'nuc'"),
    # scalars
    ("item_many", lambda: [T(2)], lambda a: a.item(), RuntimeError, r"item.*2 elements.*\(2,\)"),
    ("bool_many", lambda: [T(2)], lambda a: bool(a), RuntimeError, r"ambiguous.*\(2,\)"),
    ("len_0d", lambda: [T()], lambda a: len(a), TypeError, r"len\(\) of a 0-d tensor"),
    # backward
    ("backward_non_scalar", lambda: [T(2, rg=True)], lambda a: (a * 2).backward(), RuntimeError,
     r"backward.*only for scalar outputs.*\(2,\)"),
    ("backward_gradient_shape", lambda: [T(2, rg=True)], lambda a: (a * 2).backward(tc.ones(3)), RuntimeError,
     r"backward.*Mismatch in shape.*\(3,\).*\(2,\)"),
    ("backward_no_grad", lambda: [T(2)], lambda a: a.sum().backward(), RuntimeError, r"does not require grad"),
    ("grad_assign_shape", lambda: [T(3, rg=True)], lambda a: setattr(a, "grad", tc.ones(2)), RuntimeError,
     r"grad.*\(2,\).*\(3,\)"),
    ("grad_assign_dtype", lambda: [T(3, rg=True)], lambda a: setattr(a, "grad", tc.ones(3, dtype=tc.float64)), RuntimeError,
     r"grad.*float64.*float32"),
    ("grad_unused", lambda: [T(2, rg=True), T(2, rg=True)], lambda a, b: tc.autograd.grad((a * 2).sum(), [a, b]), RuntimeError,
     r"input 1.*allow_unused=True"),
    ("numpy_requires_grad", lambda: [T(2, rg=True)], lambda a: a.numpy(), RuntimeError, r"numpy\(\).*detach"),
    # in place
    ("inplace_leaf", lambda: [T(2, rg=True)], lambda a: a.add_(1), RuntimeError, r"add_.*leaf Variable"),
    ("inplace_operator_leaf", lambda: [T(2, rg=True)], lambda a: a.__imul__(2), RuntimeError, r"mul_.*leaf Variable"),
    ("inplace_shape", lambda: [T(2, 3), T(4, 2, 3)], lambda a, b: a.add_(b), RuntimeError,
     r"add_.*\[2, 3\].*\[4, 2, 3\]"),
    ("inplace_dtype", lambda: [tc.zeros(3, dtype=tc.int64)], lambda a: a.add_(1.5), RuntimeError,
     r"add_.*float32.*can't be cast.*int64"),
    ("inplace_grad_shape", lambda: [T(2, rg=True), T(2, 2)], lambda a, b: (a * 1).mul_(b), RuntimeError,
     r"mul_.*\[2\].*\[2, 2\]"),
    ("copy_shape", lambda: [T(3), T(4)], lambda a, b: a.copy_(b), RuntimeError, r"copy_.*\(4,\).*\(3,\)"),
    ("fill_leaf", lambda: [T(3, rg=True)], lambda a: a.fill_(1.0), RuntimeError, r"fill_.*leaf Variable"),
    ("setitem_leaf", lambda: [T(3, rg=True)], lambda a: a.__setitem__(0, 1.0), RuntimeError, r"__setitem__.*leaf Variable"),
]


def _snapshot(ts):
    return [(t.numpy().copy() if not t.requires_grad else t.detach().numpy().copy(), t._version,
             None if t._grad is None else t._grad.numpy().copy(), t.requires_grad, t.grad_fn) for t in ts]


@pytest.mark.parametrize("make, action, kind, pattern", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_raises_pytorch_kind_and_leaves_inputs_unchanged(make, action, kind, pattern):
    inputs = make()
    before = _snapshot(inputs)
    with pytest.raises(kind) as info:
        action(*inputs)
    assert type(info.value) is kind or kind is RuntimeError and isinstance(info.value, RuntimeError)
    assert re.search(pattern, str(info.value), re.S), f"message {str(info.value)!r} does not match {pattern!r}"
    # no NumPy error chained under ours
    ctx = info.value.__context__
    assert ctx is None or info.value.__suppress_context__, f"NumPy context leaked: {ctx!r}"
    for (d0, v0, g0, rg0, fn0), t in zip(before, inputs):
        np.testing.assert_array_equal(t.detach().numpy(), d0)
        assert t._version == v0 and t.requires_grad == rg0 and t.grad_fn is fn0
        assert (t._grad is None) == (g0 is None)


def test_backward_twice_raises_and_keeps_first_gradient():
    x = T(2, rg=True)
    y = (x.exp() * x).sum()
    y.backward()
    g = x.grad.numpy().copy()
    with pytest.raises(RuntimeError, match="retain_graph=True"):
        y.backward()
    np.testing.assert_array_equal(x.grad.numpy(), g)


def test_failed_backward_accumulates_into_no_leaf():
    x, w = T(2, rg=True), T(2, rg=True)
    h = x * 2
    y = h.sin()  # saves h
    out = y.sum() + (w * 3).sum()
    h.mul_(3)  # invalidates y's saved input
    with pytest.raises(RuntimeError, match="SinBackward0"):
        out.backward()
    assert x.grad is None and w.grad is None  # all or nothing


def test_failed_in_place_through_view_leaves_base_unchanged():
    y = T(2, 3) * 1.0
    before = y.detach().numpy().copy()
    with pytest.raises(RuntimeError, match="broadcast shape"):
        y[0].add_(T(2, 3, rg=True))
    np.testing.assert_array_equal(y.detach().numpy(), before)
    assert y._version == 0


def test_user_function_returning_bad_gradient_type():
    class Bad(tc.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return "oops"

    with pytest.raises(TypeError, match="BadBackward.*str"):
        Bad.apply(T(2, rg=True)).sum().backward()
