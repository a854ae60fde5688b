"""Every public op has a test: a row of the op table (tests/op_table.py) or a dedicated test.

The public surface is enumerated, not listed: the public callables of ``tc`` (``tc.__all__`` if
it exists), every public ``tc.Tensor`` attribute and operator dunder, every name of
``tc.nn.functional.__all__``. Each must be

- called directly by a row of the op table (observed: every row and alias runs once on a drawn
  case while ``tc``/``tc.nn.functional`` are proxied and ``Tensor``'s attributes record calls
  made from tests/op_table.py itself, so a row claims only what it really calls), or
- in ``DEDICATED``: a reviewed map from the name to ``"file.py::test_name"``; the named test must
  exist and its source must mention the name, or
- in ``NOT_OPS`` (dtypes, modes, classes, plumbing: things with nothing to differentiate).

A name added later fails ``test_every_public_name_is_covered`` until it gets a row or a test.
No wildcards on purpose.
"""
import ast
import functools
import inspect
import os
import sys
import types
import warnings

import pytest
from hypothesis import HealthCheck, Phase, given, settings, strategies as st

import tinygrad_course as tc
import tinygrad_course.nn.functional as F

import op_table
import test_ops_math_more

HERE = os.path.dirname(os.path.abspath(__file__))
# The rows: tests/op_table.py, and the rows in its format that test_ops_math_more.py declares
# (issue 8's math ops; they use op_table's Op and helpers and are meant to join OPS)
ROW_MODULES = (op_table, test_ops_math_more)
OPS = [op for mod in ROW_MODULES for op in getattr(mod, "OPS", None) or mod.ROWS]
TABLE_FILES = {os.path.abspath(mod.__file__) for mod in ROW_MODULES}

# Names that are not ops. Each entry is reviewed; keep the reason next to it.
NOT_OPS = {
    # dtypes and dtype plumbing
    "tc.dtype", "tc.float16", "tc.half", "tc.float32", "tc.float", "tc.float64", "tc.double", "tc.int8",
    "tc.uint8", "tc.int16", "tc.short", "tc.int32", "tc.int", "tc.int64", "tc.long", "tc.bool",
    # classes, grad modes, random state, devices, printing
    "tc.Tensor", "tc.Size", "tc.device", "tc.no_grad", "tc.enable_grad", "tc.set_grad_enabled",
    "tc.inference_mode", "tc.default_generator", "tc.set_printoptions",
    # internals that leak through ``from .autograd.functions import *`` (no __all__ there): not API
    "tc.np", "tc.builtins_any", "tc.Cat", "tc.PadConstant", "tc.norm_dim",
    # constants
    "tc.e", "tc.pi", "tc.inf", "tc.nan",
    # Tensor plumbing: dunders of the object protocol, slots
    "Tensor.__init__", "Tensor.__repr__", "Tensor.__format__", "Tensor.__hash__", "Tensor.__dict__",
    "Tensor.__doc__", "Tensor.__module__", "Tensor.__slots__", "Tensor.__weakref__", "Tensor.__reduce__",
    "Tensor.__array_priority__", "Tensor.__deepcopy__",
}

# name -> "file::test" of a dedicated test (the test's source must mention the bare name)
DEDICATED = {
    # nn.functional with geometry the table does not draw: gradcheck/gradgradcheck and PyTorch tests
    "F.conv1d": "test_nn_grad.py::test_conv2d_same_padding_and_conv1d_gradcheck",
    "F.conv2d": "test_nn_grad.py::test_conv2d_gradcheck",
    "F.conv_transpose1d": "test_nn_layers_more.py::test_conv_transpose1d_gradcheck",
    "F.conv_transpose2d": "test_nn_layers_more.py::test_conv_transpose2d_gradcheck",
    "F.unfold": "test_nn_grad.py::test_unfold_fold_gradcheck",
    "F.fold": "test_nn_grad.py::test_unfold_fold_gradcheck",
    "F.max_pool1d": "test_nn_grad.py::test_pool1d_gradcheck",
    "F.max_pool2d": "test_nn_grad.py::test_max_pool2d_gradcheck",
    "F.avg_pool1d": "test_nn_grad.py::test_pool1d_gradcheck",
    "F.avg_pool2d": "test_nn_grad.py::test_avg_pool2d_gradcheck",
    "F.adaptive_avg_pool1d": "test_nn_grad.py::test_pool1d_gradcheck",
    "F.adaptive_avg_pool2d": "test_nn_grad.py::test_adaptive_avg_pool2d_gradcheck",
    "F.adaptive_max_pool1d": "test_nn_layers_more.py::test_adaptive_max_pool_gradcheck",
    "F.adaptive_max_pool2d": "test_nn_layers_more.py::test_adaptive_max_pool_gradcheck",
    "F.adaptive_max_pool1d_with_indices": "test_api_surface.py::test_functional_spellings_agree_with_their_general_form",
    "F.adaptive_max_pool2d_with_indices": "test_api_surface.py::test_functional_spellings_agree_with_their_general_form",
    "F.interpolate": "test_nn_layers_more.py::test_interpolate_bilinear_gradcheck",
    "F.upsample": "test_api_surface.py::test_functional_spellings_agree_with_their_general_form",
    "F.upsample_nearest": "test_api_surface.py::test_functional_spellings_agree_with_their_general_form",
    "F.upsample_bilinear": "test_api_surface.py::test_functional_spellings_agree_with_their_general_form",
    "F.batch_norm": "test_nn_grad.py::test_normalization_functional_gradcheck",
    "F.layer_norm": "test_nn_grad.py::test_normalization_functional_gradcheck",
    "F.group_norm": "test_nn_grad.py::test_normalization_functional_gradcheck",
    "F.instance_norm": "test_nn_layers_more.py::test_instance_norm_gradcheck",
    "F.embedding": "test_nn_grad.py::test_linear_dropout_embedding_pad_gradcheck",
    "F.prelu": "test_nn_layers_more.py::test_prelu_oracle",
    "F.scaled_dot_product_attention": "test_nn_attention.py::test_sdpa_gradcheck",
    "F.multi_head_attention_forward": "test_nn_attention.py::test_mha_functional_gradcheck_and_double_backward",
    # random: a fixed seed per evaluation, and the scaling convention (test_conventions.py)
    "F.dropout": "test_conventions.py::test_dropout_scales_kept_values_by_one_over_one_minus_p",
    "F.dropout1d": "test_nn_layers_more.py::test_dropout1d_unbatched_and_errors",
    "F.dropout2d": "test_nn_layers_more.py::test_dropout2d_zeroes_whole_channels_and_scales",
    "F.alpha_dropout": "test_nn_layers_more.py::test_alpha_dropout_values_and_moments",
    "F.feature_alpha_dropout": "test_api_surface.py::test_functional_spellings_agree_with_their_general_form",
    # factories and random state
    "tc.arange": "test_autograd.py::test_factories",
    "tc.eye": "test_autograd.py::test_factories",
    "tc.full": "test_autograd.py::test_factories",
    "tc.linspace": "test_autograd.py::test_factories",
    "tc.ones": "test_autograd.py::test_factories",
    "tc.rand": "test_autograd.py::test_factories",
    "tc.randint": "test_autograd.py::test_factories",
    "tc.randn": "test_autograd.py::test_factories",
    "tc.randn_like": "test_autograd.py::test_factories",
    "tc.zeros_like": "test_autograd.py::test_factories",
    "tc.manual_seed": "test_autograd.py::test_factories",
    "tc.from_numpy": "test_autograd.py::test_numpy_arrays_keep_their_dtype",
    "tc.get_default_dtype": "test_autograd.py::test_set_default_dtype",
    "tc.set_default_dtype": "test_autograd.py::test_set_default_dtype",
    "tc.is_grad_enabled": "test_autograd.py::test_no_grad_context_records_nothing",
    "tc.Generator": "test_generator_and_setup_context.py::test_generator_reproduces_draws_and_works_everywhere_a_generator_goes",
    "tc.initial_seed": "test_generator_and_setup_context.py::test_manual_seed_accepts_torchs_range",
    "tc.as_tensor": "test_api_surface.py::test_deterministic_factories",
    "tc.empty": "test_api_surface.py::test_deterministic_factories",
    "tc.empty_like": "test_api_surface.py::test_deterministic_factories",
    "tc.full_like": "test_api_surface.py::test_deterministic_factories",
    "tc.ones_like": "test_api_surface.py::test_deterministic_factories",
    "tc.logspace": "test_api_surface.py::test_deterministic_factories",
    "tc.numel": "test_api_surface.py::test_deterministic_factories",
    "tc.is_tensor": "test_api_surface.py::test_deterministic_factories",
    "tc.is_floating_point": "test_api_surface.py::test_deterministic_factories",
    "tc.normal": "test_api_surface.py::test_random_factories_have_the_right_law",
    "tc.bernoulli": "test_api_surface.py::test_random_factories_have_the_right_law",
    "tc.multinomial": "test_api_surface.py::test_random_factories_have_the_right_law",
    "tc.randperm": "test_api_surface.py::test_random_factories_have_the_right_law",
    "tc.rand_like": "test_api_surface.py::test_random_factories_have_the_right_law",
    "tc.randint_like": "test_api_surface.py::test_random_factories_have_the_right_law",
    "tc.seed": "test_api_surface.py::test_random_factories_have_the_right_law",
    "tc.equal": "test_api_surface.py::test_equal_and_allclose_return_python_bools",
    "tc.allclose": "test_api_surface.py::test_equal_and_allclose_return_python_bools",
    # Tensor: autograd attributes
    "Tensor.backward": "test_autograd.py::test_leaf_grad_accumulates_across_backwards",
    "Tensor.grad": "test_autograd.py::test_leaf_grad_accumulates_across_backwards",
    "Tensor.grad_fn": "test_autograd.py::test_leaf_grad_is_a_tensor_of_the_leaf_shape_and_dtype",
    "Tensor.is_leaf": "test_autograd.py::test_non_leaf_grad_is_none_and_warns",
    "Tensor.requires_grad": "test_autograd.py::test_detach_and_requires_grad",
    "Tensor.requires_grad_": "test_autograd.py::test_detach_and_requires_grad",
    "Tensor.register_hook": "test_autograd.py::test_hook_on_leaf_replaces_gradient_and_can_be_removed",
    "Tensor.retain_grad": "test_autograd.py::test_retain_grad_keeps_non_leaf_grad",
    "Tensor.retains_grad": "test_autograd.py::test_retain_grad_keeps_non_leaf_grad",
    "Tensor.data": "test_api_surface.py::test_data_is_a_detached_view_and_assignment_keeps_identity",
    "Tensor.item": "test_autograd.py::test_zero_dim_and_n_dim",
    "Tensor.numpy": "test_autograd.py::test_numpy_arrays_keep_their_dtype",
    "Tensor.tolist": "test_api_surface.py::test_deterministic_factories",
    # Tensor: random fills
    "Tensor.uniform_": "test_autograd.py::test_random_in_place_fills",
    "Tensor.normal_": "test_autograd.py::test_random_in_place_fills",
    "Tensor.bernoulli_": "test_api_surface.py::test_random_in_place_fills_bernoulli_and_exponential",
    "Tensor.exponential_": "test_api_surface.py::test_random_in_place_fills_bernoulli_and_exponential",
    "tc.kthvalue": "test_order_stats.py::test_median_nanmedian_kthvalue_match_torch",
    "Tensor.kthvalue": "test_order_stats.py::test_median_nanmedian_kthvalue_match_torch",
    "tc.median": "test_order_stats.py::test_median_nanmedian_kthvalue_match_torch",
    "Tensor.median": "test_order_stats.py::test_median_nanmedian_kthvalue_match_torch",
    "tc.nanmedian": "test_order_stats.py::test_median_nanmedian_kthvalue_match_torch",
    "Tensor.nanmedian": "test_order_stats.py::test_median_nanmedian_kthvalue_match_torch",
    "tc.msort": "test_order_stats.py::test_median_nanmedian_kthvalue_match_torch",
    "Tensor.msort": "test_order_stats.py::test_median_nanmedian_kthvalue_match_torch",
    "tc.quantile": "test_order_stats.py::test_quantile_and_nanquantile_match_torch",
    "Tensor.quantile": "test_order_stats.py::test_quantile_and_nanquantile_match_torch",
    "tc.nanquantile": "test_order_stats.py::test_quantile_and_nanquantile_match_torch",
    "Tensor.nanquantile": "test_order_stats.py::test_quantile_and_nanquantile_match_torch",
    "tc.mode": "test_order_stats.py::test_mode_cummax_cummin_match_torch",
    "Tensor.mode": "test_order_stats.py::test_mode_cummax_cummin_match_torch",
    "tc.cummax": "test_order_stats.py::test_mode_cummax_cummin_match_torch",
    "Tensor.cummax": "test_order_stats.py::test_mode_cummax_cummin_match_torch",
    "tc.cummin": "test_order_stats.py::test_mode_cummax_cummin_match_torch",
    "Tensor.cummin": "test_order_stats.py::test_mode_cummax_cummin_match_torch",
    "Tensor.geometric_": "test_random_fills_more.py::test_geometric_counts_trials_up_to_the_first_success",
    "Tensor.log_normal_": "test_random_fills_more.py::test_log_normal_is_exp_of_a_normal",
    "Tensor.cauchy_": "test_random_fills_more.py::test_cauchy_has_its_median_and_quartiles",
    # Tensor: factories, conversions, introspection, Python protocols
    "Tensor.new_empty": "test_api_surface.py::test_new_factories_keep_dtype",
    "Tensor.new_full": "test_api_surface.py::test_new_factories_keep_dtype",
    "Tensor.new_ones": "test_api_surface.py::test_new_factories_keep_dtype",
    "Tensor.new_tensor": "test_api_surface.py::test_new_factories_keep_dtype",
    "Tensor.new_zeros": "test_api_surface.py::test_new_factories_keep_dtype",
    "Tensor.half": "test_api_surface.py::test_conversions_dtypes_and_gradients",
    "Tensor.float": "test_api_surface.py::test_conversions_dtypes_and_gradients",
    "Tensor.double": "test_api_surface.py::test_conversions_dtypes_and_gradients",
    "Tensor.long": "test_api_surface.py::test_conversions_dtypes_and_gradients",
    "Tensor.int": "test_api_surface.py::test_conversions_dtypes_and_gradients",
    "Tensor.bool": "test_api_surface.py::test_conversions_dtypes_and_gradients",
    "Tensor.type": "test_api_surface.py::test_conversions_dtypes_and_gradients",
    "Tensor.type_as": "test_api_surface.py::test_conversions_dtypes_and_gradients",
    "Tensor.to": "test_api_surface.py::test_conversions_dtypes_and_gradients",
    "Tensor.cpu": "test_api_surface.py::test_conversions_dtypes_and_gradients",
    "Tensor.dim": "test_api_surface.py::test_introspection",
    "Tensor.ndimension": "test_api_surface.py::test_introspection",
    "Tensor.ndim": "test_api_surface.py::test_introspection",
    "Tensor.nelement": "test_api_surface.py::test_introspection",
    "Tensor.numel": "test_api_surface.py::test_introspection",
    "Tensor.size": "test_api_surface.py::test_introspection",
    "Tensor.element_size": "test_api_surface.py::test_introspection",
    "Tensor.is_contiguous": "test_api_surface.py::test_introspection",
    "Tensor.is_cuda": "test_api_surface.py::test_introspection",
    "Tensor.device": "test_api_surface.py::test_introspection",
    "Tensor.is_floating_point": "test_api_surface.py::test_introspection",
    "Tensor.equal": "test_api_surface.py::test_equal_and_allclose_return_python_bools",
    "Tensor.allclose": "test_api_surface.py::test_equal_and_allclose_return_python_bools",
    "Tensor.__bool__": "test_api_surface.py::test_python_protocols",
    "Tensor.__float__": "test_api_surface.py::test_python_protocols",
    "Tensor.__int__": "test_api_surface.py::test_python_protocols",
    "Tensor.__complex__": "test_api_surface.py::test_python_protocols",
    "Tensor.__index__": "test_api_surface.py::test_python_protocols",
    "Tensor.__len__": "test_api_surface.py::test_python_protocols",
    "Tensor.__iter__": "test_api_surface.py::test_python_protocols",
    "Tensor.__array__": "test_api_surface.py::test_python_protocols",
    "Tensor.__array_ufunc__": "test_api_surface.py::test_python_protocols",
    # counting, bucketing and random methods beside issue 8's math rows (test_ops_math_more*.py)
    "tc.argwhere": "test_ops_math_more_behaviour.py::test_argwhere_nonzero_and_repeat_counts_as_torch",
    "Tensor.argwhere": "test_ops_math_more_behaviour.py::test_argwhere_nonzero_and_repeat_counts_as_torch",
    "tc.bincount": "test_ops_math_more_behaviour.py::test_bincount_as_torch",
    "Tensor.bincount": "test_ops_math_more_behaviour.py::test_bincount_as_torch",
    "tc.histc": "test_ops_math_more_behaviour.py::test_histc_as_torch",
    "Tensor.histc": "test_ops_math_more_behaviour.py::test_histc_as_torch",
    "tc.bucketize": "test_ops_math_more_behaviour.py::test_bucketize_and_searchsorted_as_torch",
    "tc.searchsorted": "test_ops_math_more_behaviour.py::test_bucketize_and_searchsorted_as_torch",
    "Tensor.bernoulli": "test_ops_math_more_behaviour.py::test_bernoulli_and_multinomial_methods",
    "Tensor.multinomial": "test_ops_math_more_behaviour.py::test_bernoulli_and_multinomial_methods",
    "tc.meshgrid": "test_api_aliases.py::test_meshgrid_matches_torch",
    "Tensor.resize": "test_api_aliases.py::test_resize_and_random_like_torch",
    "Tensor.random_": "test_api_aliases.py::test_resize_and_random_like_torch",
    # legacy typed tensors and device plumbing
    "tc.FloatTensor": "test_api_surface.py::test_legacy_typed_tensors_and_device_refusals",
    "tc.DoubleTensor": "test_api_surface.py::test_legacy_typed_tensors_and_device_refusals",
    "tc.HalfTensor": "test_api_surface.py::test_legacy_typed_tensors_and_device_refusals",
    "tc.LongTensor": "test_api_surface.py::test_legacy_typed_tensors_and_device_refusals",
    "tc.IntTensor": "test_api_surface.py::test_legacy_typed_tensors_and_device_refusals",
    "tc.ShortTensor": "test_api_surface.py::test_legacy_typed_tensors_and_device_refusals",
    "tc.CharTensor": "test_api_surface.py::test_legacy_typed_tensors_and_device_refusals",
    "tc.ByteTensor": "test_api_surface.py::test_legacy_typed_tensors_and_device_refusals",
    "tc.BoolTensor": "test_api_surface.py::test_legacy_typed_tensors_and_device_refusals",
    "tc.get_default_device": "test_api_surface.py::test_legacy_typed_tensors_and_device_refusals",
    "tc.set_default_device": "test_api_surface.py::test_legacy_typed_tensors_and_device_refusals",
    "Tensor.cuda": "test_api_surface.py::test_legacy_typed_tensors_and_device_refusals",
    "Tensor.pin_memory": "test_api_surface.py::test_legacy_typed_tensors_and_device_refusals",
    "Tensor.is_pinned": "test_api_surface.py::test_legacy_typed_tensors_and_device_refusals",
}


# ------------------------------------------------------------------------------ the surface
def _is_public(name):
    return not name.startswith("_")


def public_names():
    """Every public name the coverage rule applies to, as 'tc.x', 'Tensor.x' or 'F.x'."""
    names = set()
    top = getattr(tc, "__all__", None) or [n for n in dir(tc) if _is_public(n)]
    for n in top:
        if not isinstance(getattr(tc, n), types.ModuleType):
            names.add(f"tc.{n}")
    for n in dir(tc.Tensor):
        if _is_public(n):
            names.add(f"Tensor.{n}")
        elif n.startswith("__") and any(n in vars(k) for k in tc.Tensor.__mro__[:-1]):
            names.add(f"Tensor.{n}")
    names.update(f"F.{n}" for n in F.__all__)
    return names


# ------------------------------------------------------------------- observing the table
_PREFIX = {"tinygrad_course": "tc", "tinygrad_course.nn.functional": "F"}


class _ModuleProxy:
    """Stands in for ``L`` (tc) in a row: records every attribute the row reads."""

    def __init__(self, mod, seen):
        self._mod, self._seen = mod, seen

    def __getattr__(self, name):
        value = getattr(self._mod, name)
        if isinstance(value, types.ModuleType):
            return _ModuleProxy(value, self._seen)
        prefix = _PREFIX.get(self._mod.__name__, self._mod.__name__)
        self._seen.add(f"{prefix}.{name}")
        return value


def _recording(fn, key, seen):
    def wrapper(*args, **kwargs):
        # only calls written in the table count: not those the library makes internally
        if os.path.abspath(sys._getframe(1).f_code.co_filename) in TABLE_FILES:
            seen.add(key)
        return fn(*args, **kwargs)

    return wrapper


def _patch_tensor(seen):
    """Replace every public Tensor attribute by a recording one; returns the originals."""
    saved = {}
    for name in [n.split(".", 1)[1] for n in public_names() if n.startswith("Tensor.")]:
        attr = inspect.getattr_static(tc.Tensor, name)
        key = f"Tensor.{name}"
        if isinstance(attr, property):
            new = property(_recording(attr.fget, key, seen), attr.fset, attr.fdel)
        elif isinstance(attr, staticmethod):
            new = staticmethod(_recording(attr.__func__, key, seen))
        elif isinstance(attr, classmethod):
            new = classmethod(_recording(attr.__func__, key, seen))
        elif inspect.isfunction(attr):
            new = _recording(attr, key, seen)
        else:
            continue  # slots, plain class attributes: nothing to call
        saved[name] = attr
        setattr(tc.Tensor, name, new)
    return saved


def _one_case_per_row():
    """One drawn case per row (a single generation pass: no shrinking, reproducible)."""
    cases = {}

    # a few rows per Hypothesis run: all of them at once overflow one example's buffer
    def drawer(ops):
        @settings(max_examples=1, database=None, derandomize=True, phases=[Phase.generate],
                  suppress_health_check=list(HealthCheck))
        @given(st.data())
        def draw(data):
            for op in ops:
                cases[id(op)] = data.draw(op.gen, label=op.name)

        return draw

    for start in range(0, len(OPS), 10):
        drawer(OPS[start:start + 10])()
    return cases


def observed_coverage():
    """{public name: [row names that call it]} from running every row and alias once."""
    seen_by = {}
    proxy_seen = set()
    proxy = _ModuleProxy(tc, proxy_seen)
    cases = _one_case_per_row()
    for op in OPS:
        case = cases[id(op)]
        seen = set()
        proxy._seen = seen
        saved = _patch_tensor(seen)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                for fn in (op.fn,) + tuple(op.aliases):
                    xs = [tc.tensor(a, dtype=tc.float64) for a in case.arrays]
                    try:
                        fn(proxy, *xs, **case.params)
                    except Exception:  # noqa: BLE001 - a broken op is the row tests' failure, not ours
                        pass
        finally:
            for name, attr in saved.items():
                setattr(tc.Tensor, name, attr)
        for name in seen:
            seen_by.setdefault(name, []).append(op.name)
    return seen_by


@pytest.fixture(scope="module")
def observed():
    return observed_coverage()


# ---------------------------------------------------------------------------------- tests
@functools.lru_cache(maxsize=None)
def _test_sources(path):
    """{test function name: its source} of a test file (parsed, not imported)."""
    with open(os.path.join(HERE, path)) as f:
        src = f.read()
    return {node.name: ast.get_source_segment(src, node) for node in ast.walk(ast.parse(src))
            if isinstance(node, ast.FunctionDef)}


def _test_source(ref):
    path, test = ref.split("::")
    return _test_sources(path).get(test)


def uncovered(observed):
    return sorted(n for n in public_names() if n not in observed and n not in DEDICATED and n not in NOT_OPS)


def test_every_public_name_is_covered(observed):
    missing = uncovered(observed)
    assert not missing, (
        f"{len(missing)} public names have neither a row in tests/op_table.py nor an entry in DEDICATED "
        f"(tests/test_op_coverage.py): {missing}")


@pytest.mark.parametrize("name", sorted(DEDICATED))
def test_dedicated_tests_exist_and_mention_the_name(name):
    ref = DEDICATED[name]
    src = _test_source(ref)
    assert src is not None, f"{name}: {ref} does not exist"
    bare = name.split(".", 1)[1]
    assert bare in src, f"{name}: {ref} never mentions {bare!r}"


def test_lists_hold_only_public_names_and_do_not_overlap(observed):
    names = public_names()
    # a dedicated test for a name that no longer exists is dead weight; a row makes it redundant
    assert not [n for n in DEDICATED if n not in names], "DEDICATED names that are not public"
    assert not [n for n in DEDICATED if n in observed], [n for n in DEDICATED if n in observed]
    assert not set(DEDICATED) & NOT_OPS


def test_the_recorder_sees_methods_operators_and_function_forms():
    # the recorder itself must be able to fail: a row that calls nothing covers nothing
    seen = set()
    saved = _patch_tensor(seen)
    try:
        x = tc.ones(2)
        _ = x.exp() + x  # called from this file, not from the table: not recorded
    finally:
        for name, attr in saved.items():
            setattr(tc.Tensor, name, attr)
    assert seen == set()
    assert tc.Tensor.exp is inspect.getattr_static(tc.Tensor, "exp")  # restored


def test_a_new_public_name_is_reported_until_covered(observed, monkeypatch):
    monkeypatch.setattr(tc, "brand_new_op", lambda x: x, raising=False)
    monkeypatch.setattr(tc.Tensor, "brand_new_method", lambda self: self, raising=False)
    monkeypatch.setattr(tc.Tensor, "__rshift__", lambda self, other: self, raising=False)
    assert uncovered(observed) == ["Tensor.__rshift__", "Tensor.brand_new_method", "tc.brand_new_op"]
