"""The storage boundary: code above ``autograd/`` never touches a tensor's private fields.

Outside ``tinygrad_course/autograd/`` and the built-in kernels of ``nn/functional/``, no source
file may use ``._data``, ``._vc`` or ``._make(`` (nor reach them by name through ``getattr``):
it goes through the public API or the accessors ``_array``, ``_wrap`` and ``_bump_version`` of
``tinygrad_course.autograd``. The scan reads tokens, so comments and strings do not count.
"""
import ast
import io
import tokenize
from pathlib import Path

import pytest

import tinygrad_course

PACKAGE = Path(tinygrad_course.__file__).resolve().parent
EXEMPT_FOLDERS = ("autograd", "nn/functional")
PRIVATE_FIELDS = {"_data", "_vc"}
PRIVATE_CALLS = {"_make"}

# (file, enclosing class, field) -> why it may stay
ALLOWED = {
    # built-in kernels written as Function subclasses: they move into the engine's op families
    ("nn/rnn.py", "Unbind", "_data"): "Function kernel (moves into autograd's op families)",
    ("nn/rnn.py", "Unbind", "_make"): "Function kernel (moves into autograd's op families)",
    # a Keras optimizer's own factory method (``Optimizer._make`` builds the tc.optim optimizer)
    ("keras/optimizers.py", "Optimizer", "_make"): "Keras Optimizer's own method, not Tensor._make",
}
# the allowed rnn.py classes must really be Function subclasses
FUNCTION_CLASSES = {("nn/rnn.py", "Unbind")}


def private_uses(source: str):
    """``(line, field)`` for every ``._data`` / ``._vc`` / ``._make(`` and ``"_data"``/``"_vc"``
    string in ``source`` (tokens, so comments and docstrings are ignored)."""
    toks = [t for t in tokenize.generate_tokens(io.StringIO(source).readline)
            if t.type not in (tokenize.NL, tokenize.NEWLINE, tokenize.COMMENT, tokenize.INDENT, tokenize.DEDENT)]
    hits = []
    for i, tok in enumerate(toks):
        if tok.type == tokenize.NAME and i > 0 and toks[i - 1].string == ".":
            if tok.string in PRIVATE_FIELDS:
                hits.append((tok.start[0], tok.string))
            elif tok.string in PRIVATE_CALLS and i + 1 < len(toks) and toks[i + 1].string == "(":
                hits.append((tok.start[0], tok.string))
        elif tok.type == tokenize.STRING and tok.string.strip("'\"") in PRIVATE_FIELDS and \
                tok.string[0] in "'\"" and len(tok.string.strip("'\"")) == len(tok.string) - 2:
            hits.append((tok.start[0], tok.string.strip("'\"")))
    return hits


def enclosing_classes(source: str):
    """line -> name of the outermost class around it."""
    where = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.ClassDef):
            for line in range(node.lineno, node.end_lineno + 1):
                where[line] = node.name
    return where


def package_files():
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).as_posix()
        if any(rel == f or rel.startswith(f + "/") for f in EXEMPT_FOLDERS):
            continue
        yield rel, path


def violations():
    found = []
    for rel, path in package_files():
        source = path.read_text(encoding="utf-8")
        hits = private_uses(source)
        if not hits:
            continue
        classes = enclosing_classes(source)
        for line, field in hits:
            if (rel, classes.get(line), field) not in ALLOWED:
                code = source.splitlines()[line - 1].strip()
                found.append(f"tinygrad_course/{rel}:{line}: .{field}  ({code})")
    return found


def test_no_private_tensor_fields_above_autograd():
    found = violations()
    assert not found, (
        "code above autograd/ must use the public API or tinygrad_course.autograd's _array / _wrap / "
        "_bump_version instead of a tensor's private fields:\n  " + "\n  ".join(found)
    )


def test_the_allow_list_is_only_function_kernels_and_is_still_needed():
    for rel, cls in FUNCTION_CLASSES:
        tree = ast.parse((PACKAGE / rel).read_text(encoding="utf-8"))
        node = next((n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == cls), None)
        assert node is not None, f"{rel}: class {cls} is gone: drop it from the allow-list"
        assert any(getattr(b, "id", getattr(b, "attr", None)) == "Function" for b in node.bases), \
            f"{rel}: {cls} is not a Function subclass"
    for rel, cls, field in ALLOWED:
        if (rel, cls) in FUNCTION_CLASSES:
            continue
        source = (PACKAGE / rel).read_text(encoding="utf-8")
        classes = enclosing_classes(source)
        assert any(f == field and classes.get(line) == cls for line, f in private_uses(source)), \
            f"{rel}: {cls} no longer uses .{field}: drop it from the allow-list"


@pytest.mark.parametrize("code, fields", [
    ("w = p._data\n", ["_data"]),
    ("p.grad._data[...] = 0\n", ["_data"]),
    ("t._vc[0] += 1\n", ["_vc"]),
    ("t = Tensor._make(arr)\n", ["_make"]),
    ("vc = getattr(p, '_vc', None)\n", ["_vc"]),
    ("x = self._data_loader\n", []),
    ("# p._data in a comment\n", []),
    ('s = "uses p._data"\n', []),
    ("f = obj._make\n", []),
])
def test_the_scanner_finds_what_it_must(code, fields):
    assert [f for _, f in private_uses(code)] == fields


def test_the_scanner_sees_the_engine_itself():
    # the engine is exempt, not invisible: its own files do use the private fields
    source = (PACKAGE / "autograd" / "tensor.py").read_text(encoding="utf-8")
    assert {f for _, f in private_uses(source)} >= {"_data", "_vc", "_make"}
