"""Griffe extension: a docstring's ``>>>`` examples render as Python console code blocks.

The package's docstrings write examples the PyTorch way (bare ``>>>`` lines and their output);
as plain Markdown their brackets would read as links, so each run of example lines (up to a blank
line) is fenced as ``pycon``.
"""
from __future__ import annotations

from typing import Any

import griffe


def _fence(text: str) -> str:
    out, block = [], []
    fence = False

    def flush() -> None:
        if block:
            indent = block[0][: len(block[0]) - len(block[0].lstrip())]
            out.extend([indent + "```pycon", *block, indent + "```"])
            block.clear()

    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("```"):
            fence = not fence
        if not fence and (stripped.startswith(">>>") or (block and stripped and not stripped.startswith("```"))):
            block.append(line)
            continue
        flush()
        out.append(line)
    flush()
    return "\n".join(out)


class DoctestFences(griffe.Extension):
    """Fence the ``>>>`` examples of every docstring griffe loads."""

    def on_object(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        if obj.docstring is not None and ">>>" in obj.docstring.value:
            obj.docstring.value = _fence(obj.docstring.value)
