"""Fixtures for the report tests; the records themselves are in report_fixtures.py."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from safeguard.triage.results import TriageResult

from .report_fixtures import build_result


@pytest.fixture
def result() -> TriageResult:
    return build_result()


@pytest.fixture
def make_result() -> Callable[..., TriageResult]:
    return build_result
