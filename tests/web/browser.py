"""What every browser test does in a Playwright page (the `page` fixture, conftest.py):
sign in through the real pages, give the reason a record asks for, and watch for
content-security-policy violations.

    violations = csp_watch(page)
    browser_sign_in(page, live_server.url, "alice")
    page.click("text=EX-0001")
    justify(page)
    ...
    assert violations == []
"""

from __future__ import annotations

import os
from typing import Any

from safeguard.web.accounts import totp
from safeguard.web.accounts.models import User

from .base import PASSWORD

REASON = "Preparing for today's strategy meeting"
# Where shot() puts its pictures, to look at them (unset: not taken).
SHOTS = os.environ.get("SAFEGUARD_SCREENSHOTS", "")


def browser_sign_in(page: Any, base: str, username: str, password: str = PASSWORD,
                    on_code_page: Any = None) -> None:
    """Through the real sign-in pages: password, then the code the user's authenticator
    shows now (`on_code_page(page)` runs on the code page); ends on the home page."""
    device = totp.confirmed_device(User.objects.get(username=username))
    assert device is not None, f"{username} has no authenticator"
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url("**/accounts/login/code/")
    if on_code_page is not None:
        on_code_page(page)
    page.fill("input[name=code]", totp.current_code(device))
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


def sign_in_as(page: Any, base: str, username: str) -> None:
    """Sign out (a fresh session), then in; a code already used in this 30-second step is
    let through again, as a second sign-in of the same person needs."""
    page.context.clear_cookies()
    device = totp.confirmed_device(User.objects.get(username=username))
    assert device is not None
    device.last_t = -1
    device.save(update_fields=["last_t"])
    browser_sign_in(page, base, username)


def shot(page: Any, name: str) -> None:
    """A full-page picture, SHOTS/name.png, where SAFEGUARD_SCREENSHOTS names a folder."""
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def justify(page: Any, reason: str = REASON) -> None:
    """Answer the reason prompt on the page (DPA 2018 s62) and wait for the record."""
    page.fill("textarea[name=justification]", reason)
    page.click("#justification button[type=submit]")
    page.wait_for_load_state()


def csp_watch(page: Any) -> list[str]:
    """The content-security-policy violations the page reports from now on (the list
    fills as the test goes)."""
    violations: list[str] = []
    page.on("console", lambda message: violations.append(message.text)
            if "Content Security Policy" in message.text else None)
    return violations
