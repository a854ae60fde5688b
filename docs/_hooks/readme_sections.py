"""MkDocs hook: pages include README sections by heading, so the README stays the one source of the guides.

A page line ``<!-- readme: How the tape works -->`` becomes that README section (the heading line up to
the next heading of the same or a higher level; ``#`` lines inside code fences are not headings);
``<!-- readme: intro -->`` is the title and the text before the first section.
The README's links are written from the repository root: ``docs/x.png`` is rewritten relative to the
page (the pictures live in the docs folder, nothing is copied), and links to other repository files,
which are not part of the site, become plain code text (no broken links under ``--strict``).
"""
from __future__ import annotations

import posixpath
import re
from pathlib import Path

_README = Path(__file__).resolve().parents[2] / "README.md"
_DIRECTIVE = re.compile(r"^<!--\s*readme:\s*(.+?)\s*-->\s*$", re.M)
_LINK = re.compile(r"(!?)\[([^\]]*)\]\(([^)\s]+)\)")


def _sections(text: str) -> dict:
    lines = text.splitlines()
    heads = []  # (line index, level, title) of real headings, code fences skipped
    fence = False
    for i, line in enumerate(lines):
        if line.lstrip().startswith("```"):
            fence = not fence
            continue
        m = re.match(r"^(#{1,6})\s+(.*)$", line)
        if m and not fence:
            heads.append((i, len(m.group(1)), m.group(2).strip()))
    # "intro": the title and the paragraphs before the first section
    out = {"intro": "\n".join(lines[:heads[1][0] if len(heads) > 1 else len(lines)]).rstrip() + "\n"}
    for k, (i, level, title) in enumerate(heads):
        end = len(lines)
        for j, lvl, _ in heads[k + 1:]:
            if lvl <= level:
                end = j
                break
        out[title] = "\n".join(lines[i:end]).rstrip() + "\n"
    return out


def _relink(markdown: str, page_path: str) -> str:
    page_dir = posixpath.dirname(page_path)

    def fix(m: "re.Match[str]") -> str:
        bang, label, target = m.groups()
        if re.match(r"^[a-z]+:", target) or target.startswith("#"):
            return m.group(0)
        if target.startswith("docs/"):
            return f"{bang}[{label}]({posixpath.relpath(target[len('docs/'):], page_dir or '.')})"
        return label if label.startswith("`") else f"`{label}`"

    return _LINK.sub(fix, markdown)


def on_page_markdown(markdown: str, page, config, files) -> str:
    if "<!-- readme:" not in markdown:
        return markdown
    sections = _sections(_README.read_text(encoding="utf-8"))

    def include(m: "re.Match[str]") -> str:
        title = m.group(1)
        if title not in sections:
            raise KeyError(f"{page.file.src_path}: README has no section titled {title!r}")
        return sections[title]

    return _relink(_DIRECTIVE.sub(include, markdown), page.file.src_uri)
