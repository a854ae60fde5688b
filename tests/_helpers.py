"""Shared helpers of the example smoke tests: run an example script in a subprocess, import one."""
import importlib.util
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXAMPLES = os.path.join(ROOT, "examples")
try:
    import matplotlib  # noqa: F401

    HAVE_MPL = True
except ImportError:
    HAVE_MPL = False


def run_example(name, out, *extra):
    """Run ``examples/<name> --quick --out <out>`` (Agg backend); assert it succeeds, return its stdout."""
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""), MPLBACKEND="Agg")
    proc = subprocess.run([sys.executable, os.path.join(EXAMPLES, name), "--quick", "--out", str(out), *extra],
                          capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 0, f"{name} failed:\n{proc.stdout}\n{proc.stderr}"
    return proc.stdout


def load_example(name):
    """Import ``examples/<name>.py`` as a module (its ``main`` does not run)."""
    if EXAMPLES not in sys.path:  # the examples import their shared examples/_common.py
        sys.path.insert(0, EXAMPLES)
    spec = importlib.util.spec_from_file_location(name, os.path.join(EXAMPLES, name + ".py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def written(out):
    """Sorted names of the files in the folder ``out``."""
    return sorted(p.name for p in out.iterdir())
