"""Django for the web tests only: the engine's tests never load it.

pytest-django reads DJANGO_SETTINGS_MODULE when it starts; this conftest is loaded later
(only when tests/web is collected), so it sets the module and sets Django up itself.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import django
import pytest

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.web.settings")
django.setup()

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    from django.db import connection

    on_postgres = connection.vendor == "postgresql"
    skip = pytest.mark.skip(reason="needs PostgreSQL: run under scripts/with-postgres.sh")
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            item.add_marker(skip)


@pytest.fixture(scope="module")
def browser(django_db_setup: None) -> Iterator[Any]:
    """Debian's Chromium driven by Playwright's bundled driver (never `playwright install`).

    Playwright's sync API keeps an event loop running in this thread, and Django's ORM
    refuses to run beside one; the tests' ORM calls are plain synchronous code, so the
    guard is lifted while the browser is open (one module at a time).
    """
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/install-system-deps.sh")
    from playwright.sync_api import sync_playwright

    before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            launched = playwright.chromium.launch(
                executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
            )
            yield launched
            launched.close()
    finally:
        if before is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = before


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context()
    opened = context.new_page()
    opened.set_default_timeout(10_000)
    yield opened
    # Let the requests the page has in flight finish before the test's database is
    # flushed: the live server shares SQLite's one in-memory connection, and a request
    # still being served (a preview) makes the flush fail and leaves the next test a
    # database that was never emptied.
    # A page that never settles (a poll) is closed all the same after five seconds.
    with contextlib.suppress(Exception):
        opened.wait_for_load_state("networkidle", timeout=5_000)
    context.close()


@pytest.fixture
def one_request_at_a_time(live_server: Any) -> Iterator[Any]:
    """The page loads its previews in parallel; with SQLite in memory every request
    thread of the live server shares the test's one connection, which cannot run two
    transactions at once. Requests are served one at a time here (a real server gives
    each thread its own connection)."""
    httpd = live_server.thread.httpd
    app = httpd.get_app()
    lock = threading.Lock()

    def serial(environ: dict[str, Any], start_response: Any) -> Any:
        with lock:
            return app(environ, start_response)

    httpd.set_app(serial)
    yield live_server
    httpd.set_app(app)


@pytest.fixture
def evidence_folder() -> Iterator[Path]:
    """A fresh folder for a test's evidence inside the evidence root the tests allow (the
    platform's EVIDENCE_ROOTS is that root during the test); removed afterwards."""
    import shutil
    import tempfile

    from django.test import override_settings

    from .investigations.helpers import EVIDENCE_ROOT

    EVIDENCE_ROOT.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="evidence-", dir=EVIDENCE_ROOT))
    try:
        with override_settings(EVIDENCE_ROOTS=[str(EVIDENCE_ROOT)]):
            yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def demo_settings(demo_case: Path) -> Iterator[Path]:
    """The settings under which the platform reads the demo case (its home, its evidence).
    Audit anchors go beside it: seeding the demo in a committing test writes hundreds of
    events, whose anchor in the tests' shared file would outlive the rows."""
    from django.test import override_settings

    with override_settings(HOME=demo_case / "home",
                           EVIDENCE_ROOTS=[str(demo_case / "evidence")],
                           AUDIT_ANCHOR_FILE=demo_case / "home" / "web" / "audit-anchors.log"):
        yield demo_case


@pytest.fixture(autouse=True)
def audit_anchors_per_test(tmp_path: Path) -> Iterator[None]:
    """Each test's audit anchors in its own file. The database is rolled back after each
    test, anchors written to a shared file are not: a later test's chain (starting again
    at row 1) would be checked against an earlier test's anchor of row 101."""
    from django.test import override_settings

    with override_settings(AUDIT_ANCHOR_FILE=tmp_path / "audit-anchors.log"):
        yield
