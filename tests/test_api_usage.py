"""Every row of /work/shared/api_usage.md (the PyTorch names and keywords real programs use) works here.

The table is parsed as it stands: each ``torch.X.Y`` name must resolve as ``tc.X.Y`` (each
``Tensor.NAME`` as ``tc.Tensor.NAME``), and each keyword row must be a keyword our callable's
signature accepts (a parameter of that name, or ``**kwargs``). A row we decided against is
listed in DECIDED_AGAINST with the reason; such a row must still be missing (so the list
cannot go stale unnoticed).
"""
import importlib
import inspect
import os
import re
from pathlib import Path

import pytest

import tinygrad_course as tc

# The table lives beside SPEC.md; a checkout without it skips (the rows are data, not code).
_CANDIDATES = [os.environ.get("TC_API_USAGE", ""), "/work/shared/api_usage.md",
               str(Path(__file__).resolve().parents[1] / "docs" / "api_usage.md")]
USAGE = next((Path(p) for p in _CANDIDATES if p and Path(p).is_file()), None)

# name -> why we do not provide it
DECIDED_AGAINST = {
    # NumPy has no bfloat16; emulating it (float32 storage, rounding after every op) would make every
    # op slower or silently differ from PyTorch's bf16 arithmetic.
    "torch.bfloat16": "no NumPy dtype",
}

_ROW = re.compile(r"^\|\s*((?:torch|Tensor)\.[\w.]+)\s*\|\s*(\w*)\s*\|\s*(\d+)\s*\|")


def _rows():
    if USAGE is None:
        return []
    return [m.groups()[:2] for m in map(_ROW.match, USAGE.read_text().splitlines()) if m]


def _resolve(name):
    """tc's object at PyTorch's path ``name`` (``torch`` -> ``tinygrad_course``; submodules imported
    on demand as ``import torch.nn.modules.linear`` would)."""
    parts = name.split(".")
    obj = tc.Tensor if parts[0] == "Tensor" else tc
    for p in parts[1:]:
        try:
            obj = getattr(obj, p)
        except AttributeError:
            if not inspect.ismodule(obj):
                raise
            obj = importlib.import_module(f"{obj.__name__}.{p}")
    return obj


def _accepts(obj, kw):
    sig = inspect.signature(obj)
    ps = sig.parameters
    if any(p.kind is p.VAR_KEYWORD for p in ps.values()):
        return True
    return kw in ps and ps[kw].kind not in (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.VAR_POSITIONAL)


ROWS = _rows()
NAMES = sorted({n for n, _ in ROWS})
KEYWORDS = sorted({(n, k) for n, k in ROWS if k})


def test_the_table_parses():
    if USAGE is None:
        pytest.skip("api_usage.md not found (set TC_API_USAGE)")
    # the table has a few hundred rows; a parse that finds few means the format changed
    assert len(ROWS) > 300 and "torch.nn.Module" in NAMES and ("Tensor.sum", "axis") in KEYWORDS


@pytest.mark.parametrize("name", [n for n in NAMES if n not in DECIDED_AGAINST])
def test_name_resolves(name):
    _resolve(name)


@pytest.mark.parametrize("name", sorted(DECIDED_AGAINST))
def test_decided_against_rows_are_still_missing(name):
    if name not in NAMES:
        pytest.skip(f"{name} is no longer in api_usage.md")
    with pytest.raises((AttributeError, ModuleNotFoundError)):
        _resolve(name)


@pytest.mark.parametrize("name,kw", [r for r in KEYWORDS if r[0] not in DECIDED_AGAINST])
def test_keyword_is_accepted(name, kw):
    assert _accepts(_resolve(name), kw), f"{name} does not accept the keyword {kw!r}"


def test_the_checker_can_fail():
    # a name and a keyword that do not exist are reported
    with pytest.raises((AttributeError, ModuleNotFoundError)):
        _resolve("torch.no_such_function")
    assert not _accepts(tc.zeros_like, "no_such_keyword")
    assert _accepts(tc.zeros, "size") and _accepts(tc.Tensor.sum, "keepdims")
