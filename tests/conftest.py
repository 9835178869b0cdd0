"""Fixtures shared by the engine's tests and the web's (tests/web/conftest.py adds the
web's own)."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="module")
def demo_case(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo case `safeguard demo` builds: benign evidence, the demo hash sets, and
    its triage (workdir/report), once per module."""
    from safeguard.demo.case import run_demo

    workdir = tmp_path_factory.mktemp("demo")
    assert run_demo(workdir, workdir / "home") == 0
    return workdir
