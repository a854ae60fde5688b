"""Tape overhead in CPU instructions per op, counted by valgrind's callgrind: the same number
on every run, however busy the machine, so a change on the hot path can be judged in one run.

    python benchmarks/bench_instructions.py [--before PATH_TO_AN_OLDER_CHECKOUT]

It runs the chain of ``bench_engine.py`` (``y = y * 1.0001; y = y + 0.001``, a ``tanh`` every
10th step, 1000 steps = 2101 ops, 16 float32 elements) once and three times in one process, forward
only and forward + backward, and prints (3 runs - 1 run) / 2 / 2101: the instructions of one op,
with the interpreter's start-up and the imports cancelled out. With ``--before``, the same for
an older checkout (a folder holding ``tinygrad_course/``), side by side. Needs ``valgrind``.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

CHAIN = r'''
import sys
sys.path.insert(0, sys.argv[1])
import tinygrad_course as tc
reps, mode = int(sys.argv[2]), sys.argv[3]

def run(depth=1000):
    x = tc.ones(16, requires_grad=True)
    y = x
    for i in range(depth):
        y = y * 1.0001
        y = y + 0.001
        if i % 10 == 0:
            y = y.tanh()
    if mode == "fb":
        y.sum().backward()

for _ in range(reps):
    run()
'''
N_OPS = 2101


def instructions(tree, reps, mode, script):
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
    out = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable, script, tree,
         str(reps), mode],
        capture_output=True, text=True, env=env, check=True,
    )
    return int(re.search(r"Collected : (\d+)", out.stderr).group(1))


def per_op(tree, script):
    subprocess.run([sys.executable, script, tree, "1", "fb"], check=True)  # compile .pyc files first
    res = {}
    for mode in ("f", "fb"):
        res[mode] = (instructions(tree, 3, mode, script) - instructions(tree, 1, mode, script)) / 2 / N_OPS
    res["b"] = res["fb"] - res["f"]
    return res


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--before", help="an older checkout to compare with (the folder holding tinygrad_course/)")
    args = ap.parse_args()
    if shutil.which("valgrind") is None:
        sys.exit("bench_instructions: valgrind is not installed (Debian: apt-get install valgrind)")
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    with tempfile.TemporaryDirectory() as tmp:
        script = os.path.join(tmp, "chain.py")
        with open(script, "w") as f:
            f.write(CHAIN)
        trees = [("this checkout", here)] + ([("before", os.path.abspath(args.before))] if args.before else [])
        rows = [(name, per_op(path, script)) for name, path in trees]
    print(f"instructions per op (callgrind), chain of {N_OPS} ops, 16 float32 elements")
    print(f"{'':16}{'forward':>12}{'backward':>12}{'total':>12}")
    for name, r in rows:
        print(f"{name:16}{r['f']:12,.0f}{r['b']:12,.0f}{r['fb']:12,.0f}")
    if len(rows) == 2:
        a, b = rows[0][1], rows[1][1]
        print(f"{'ratio':16}{a['f'] / b['f']:12.3f}{a['b'] / b['b']:12.3f}{a['fb'] / b['fb']:12.3f}")


if __name__ == "__main__":
    main()
