"""The package is typed (PEP 561): ``mypy --strict`` on a user script that uses tc passes.

mypy runs on a small training script written to tmp_path, seeing the package as an installed one (a
folder on PYTHONPATH holding the package directory, as a wheel install lays it out; the editable
install's import hook is invisible to mypy). Without ``py.typed`` mypy would refuse the package with
"missing library stubs or py.typed marker": the control test shows that error is what we guard against.
"""
from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("mypy")

import tinygrad_course

PKG = Path(tinygrad_course.__file__).resolve().parent
MISSING = "missing library stubs or py.typed marker"

USER_SCRIPT = '''
import tinygrad_course as tc
from tinygrad_course import nn
import tinygrad_course.nn.functional as F


class Net(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.fc1 = nn.Linear(4, 8)
        self.fc2 = nn.Linear(8, 3)

    def forward(self, x: tc.Tensor) -> tc.Tensor:
        h: tc.Tensor = self.fc1(x)
        out: tc.Tensor = self.fc2(F.relu(h))
        return out


def main() -> float:
    tc.manual_seed(0)
    model = Net()
    opt = tc.optim.SGD(model.parameters(), lr=0.1)
    x = tc.randn(16, 4)
    y = tc.randint(0, 3, (16,))
    for _ in range(3):
        loss = F.cross_entropy(model(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
    model.eval()
    with tc.no_grad():
        z = (x @ x.T).exp().sum(dim=1).mean()
    print(loss.detach().numpy(), z.item(), tc.zeros(2).shape, tc.tensor([1.0, 2.0]).dtype)
    return float(loss.item())


if __name__ == "__main__":
    main()
'''


def _mypy(tmp_path: Path, site: Path) -> subprocess.CompletedProcess:
    script = tmp_path / "user_script.py"
    script.write_text(USER_SCRIPT)
    env = dict(os.environ, PYTHONPATH=str(site))
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--cache-dir", str(tmp_path / "cache"),
         "--no-error-summary", str(script)],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300,
    )


def test_mypy_strict_passes_on_a_user_script(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "tinygrad_course").symlink_to(PKG, target_is_directory=True)
    res = _mypy(tmp_path, site)
    out = res.stdout + res.stderr
    assert MISSING not in out
    assert res.returncode == 0, out
    # and the script really runs
    run = subprocess.run([sys.executable, str(tmp_path / "user_script.py")], capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 0, run.stderr


def test_without_py_typed_mypy_refuses_the_package(tmp_path):
    # the same package minus its py.typed marker: the error this project's marker prevents
    copies = [Path(p) / "tinygrad_course" for p in sys.path if "site-packages" in p]
    if any((c / "__init__.py").exists() and c.resolve() != PKG for c in copies):
        # installed as a regular package, mypy finds that copy (with its py.typed) after the one
        # without: the control only means something for a source or editable install
        pytest.skip("tinygrad_course is also installed as a regular package; the control needs a source install")
    site = tmp_path / "site"
    pkg = site / "tinygrad_course"
    pkg.mkdir(parents=True)
    for child in PKG.iterdir():
        if child.name not in ("py.typed", "__pycache__"):
            (pkg / child.name).symlink_to(child, target_is_directory=child.is_dir())
    res = _mypy(tmp_path, site)
    assert MISSING in res.stdout + res.stderr
    assert res.returncode != 0


def _bound_names(tree: ast.Module) -> set:
    names = set()
    for node in tree.body:
        if isinstance(node, ast.ImportFrom):
            names.update(a.asname or a.name for a in node.names if a.name != "*")
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for t in targets:
                for n in ast.walk(t):
                    if isinstance(n, ast.Name):
                        names.add(n.id)
    return {n for n in names if not n.startswith("_") or n == "__version__"}


def test_the_stub_names_everything_the_package_top_level_exports():
    # __init__.pyi hides __init__.py from mypy: a name added to one must be added to the other
    real = _bound_names(ast.parse((PKG / "__init__.py").read_text()))
    real |= set(tinygrad_course._LAZY) | {"save", "load"}
    stub = _bound_names(ast.parse((PKG / "__init__.pyi").read_text()))
    assert real - stub == set(), f"add to tinygrad_course/__init__.pyi: {sorted(real - stub)}"
    stars = lambda p: {n.module for n in ast.parse(p.read_text()).body if isinstance(n, ast.ImportFrom)  # noqa: E731
                       and any(a.name == "*" for a in n.names)}
    assert stars(PKG / "__init__.py") == stars(PKG / "__init__.pyi")
