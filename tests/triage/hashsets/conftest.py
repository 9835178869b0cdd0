from __future__ import annotations

from pathlib import Path

import pytest

from safeguard.triage.hashsets import HashSetStore

from .contract import Writer


@pytest.fixture
def store(tmp_path: Path) -> HashSetStore:
    return HashSetStore(tmp_path / "home" / "hashsets")


@pytest.fixture
def write(tmp_path: Path) -> Writer:
    """write("name.csv", text) → the path of a new file holding `text`."""

    def _write(name: str, text: str | bytes) -> Path:
        path = tmp_path / name
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return path

    return _write
