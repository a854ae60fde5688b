"""Packaging facts users and tools rely on: one version, a license, type information."""
import importlib.metadata
import os

import tinygrad_course as tc

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_version_is_written_once_and_matches_the_installed_metadata():
    assert tc.__version__ == importlib.metadata.version("tinygrad_course")
    with open(os.path.join(ROOT, "setup.cfg")) as f:
        cfg = f.read()
    assert "version = attr: tinygrad_course.__version__" in cfg


def test_license_and_type_marker_ship():
    with open(os.path.join(ROOT, "LICENSE")) as f:
        assert f.read().startswith("MIT License")
    assert os.path.exists(os.path.join(os.path.dirname(tc.__file__), "py.typed"))
    with open(os.path.join(ROOT, "setup.cfg")) as f:
        assert "tinygrad_course = py.typed" in f.read()
