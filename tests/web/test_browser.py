"""In a real browser (Debian's Chromium through Playwright): sign in with a TOTP code."""

from __future__ import annotations

from typing import Any

import pytest

from safeguard.web.accounts import enrolment
from safeguard.web.accounts.models import Agency, AgencyKind, Role, User
from safeguard.web.audit.models import Action, AuditEvent

from .base import make_user
from .browser import browser_sign_in, csp_watch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_signs_in_with_a_totp_code_and_lands_home(live_server: Any, page: Any) -> None:
    agency = Agency.objects.create(name="Staffordshire Police (test)", kind=AgencyKind.POLICE)
    alice = make_user("alice", agency, Role.INVESTIGATOR)

    page.goto(f"{live_server.url}/")
    assert page.url.startswith(f"{live_server.url}/accounts/login/")
    browser_sign_in(page, live_server.url, "alice")
    assert page.locator("h1").inner_text() == "Welcome, Alice"
    assert AuditEvent.objects.filter(action=Action.LOGIN, actor=alice).exists()


def test_the_pages_break_no_content_security_rule(live_server: Any, page: Any) -> None:
    agency = Agency.objects.create(name="Staffordshire Police (test)", kind=AgencyKind.POLICE)
    make_user("dora", agency, Role.ADMINISTRATOR, enrolled=False)
    violations = csp_watch(page)
    dora = User.objects.get(username="dora")
    page.goto(f"{live_server.url}/accounts/enrol/{enrolment.issue(dora, by=None)}/")
    assert page.locator(".qr svg").is_visible()
    secret = page.locator("#totp-secret").inner_text()
    assert len(secret.replace(" ", "")) == 32
    # The stylesheet loaded (the same-origin rule allows it): the header is coloured.
    background = page.locator("header.top").evaluate(
        "element => getComputedStyle(element).backgroundColor")
    assert background == "rgb(31, 78, 140)"
    assert violations == []
