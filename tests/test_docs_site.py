"""The docs site's sources: every README section a page includes exists, and every README picture is on the site.

The build itself (``mkdocs build --strict``) runs in CI after the tests (.ci/run); these checks need no MkDocs.
"""
from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
DIRECTIVE = re.compile(r"^<!--\s*readme:\s*(.+?)\s*-->\s*$", re.M)
PICTURE = re.compile(r"\((docs/[^)\s]+\.(?:png|svg))\)")


def _hook():
    spec = importlib.util.spec_from_file_location("readme_sections", DOCS / "_hooks" / "readme_sections.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _pages():
    return sorted(p for p in DOCS.rglob("*.md") if "_hooks" not in p.parts)


def _included_text(hook) -> str:
    sections = hook._sections((ROOT / "README.md").read_text(encoding="utf-8"))
    return "\n".join(sections[t] for p in _pages() for t in DIRECTIVE.findall(p.read_text(encoding="utf-8")))


def test_every_included_section_exists():
    hook = _hook()
    sections = hook._sections((ROOT / "README.md").read_text(encoding="utf-8"))
    wanted = {(p.name, t) for p in _pages() for t in DIRECTIVE.findall(p.read_text(encoding="utf-8"))}
    assert wanted, "no page includes a README section"
    missing = sorted(f"{page}: {title!r}" for page, title in wanted if title not in sections)
    assert not missing, "README sections not found (renamed?):\n" + "\n".join(missing)


def test_every_readme_picture_is_on_the_site():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    pictures = set(PICTURE.findall(readme))
    assert pictures
    for pic in pictures:
        assert (ROOT / pic).is_file(), f"README shows {pic}, which does not exist"
    shown = set(PICTURE.findall(_included_text(_hook())))
    assert pictures <= shown, f"README pictures in no docs page: {sorted(pictures - shown)}"


def test_picture_links_are_rewritten_relative_to_the_page():
    hook = _hook()
    md = "![g](docs/graph_mlp.svg) [arch](ARCHITECTURE.md) [web](https://example.org) [`ex`](examples/cnn.py)"
    out = hook._relink(md, "guides/viz.md")
    assert "![g](../graph_mlp.svg)" in out
    assert "`arch`" in out and "(ARCHITECTURE.md)" not in out  # not a site page: plain text, no broken link
    assert "[web](https://example.org)" in out
    assert "`ex`" in out and "examples/cnn.py" not in out
    assert hook._relink("![g](docs/cnn.png)", "index.md") == "![g](cnn.png)"


def test_sections_skip_comment_lines_in_code_fences():
    hook = _hook()
    text = "# T\nintro\n## A\n```bash\n# not a heading\n```\nmore\n### A1\nsub\n## B\nb\n"
    s = hook._sections(text)
    assert s["A"] == "## A\n```bash\n# not a heading\n```\nmore\n### A1\nsub\n"
    assert "not a heading" not in s
    assert s["intro"] == "# T\nintro\n"


def test_nav_pages_exist():
    yml = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    pages = re.findall(r":\s+([\w/]+\.md)\s*$", yml, re.M)
    assert len(pages) > 10
    for page in pages:
        assert (DOCS / page).is_file(), page


def test_docs_extra_and_ci_build():
    cfg = (ROOT / "setup.cfg").read_text(encoding="utf-8")
    assert re.search(r"^docs =\n(\s+.+\n)*\s+mkdocs-material\n", cfg, re.M)
    assert "mkdocstrings[python]" in cfg
    assert "mkdocs build --strict" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


@pytest.mark.parametrize("page", ["api/nn.md", "api/optim.md", "api/autograd.md"])
def test_api_pages_point_at_the_packages(page):
    assert re.search(r"^::: tinygrad_course\.", (DOCS / page).read_text(encoding="utf-8"), re.M)
