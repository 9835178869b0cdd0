"""Accessible to everyone (WCAG 2.2 AA; the Public Sector Bodies Accessibility Regulations
2018): axe-core (axe-playwright-python ships the engine) inside Chromium, on every kind of
page of the platform, on the demo's data, signed in as users of several roles: one browser
session per role, many pages each. No page may carry a violation of impact "serious" or
"critical".

The pages: sign-in (with an error), the public concern form (with errors) and its privacy
notice, the home page, each section's lists and records (with the reason prompt first),
forms with their errors shown, the review queue with a picture revealed (welfare mode
stays the default: previews blurred until revealed), a triage job, statistics, the audit
log, the administration of users and agencies, and the error pages.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from .browser import browser_sign_in, justify

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BLOCKING = {"serious", "critical"}
# Every rule of WCAG 2.0, 2.1 and 2.2 at levels A and AA, and axe's best practices.
AXE_OPTIONS = {"resultTypes": ["violations"], "runOnly": {"type": "tag", "values": [
    "wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]}}
REASON = "Accessibility check of the demo pages"


@pytest.fixture
def demo(demo_settings: Path, one_request_at_a_time: Any) -> str:
    """The whole web demo (the seed-demo command's data), served by the live server (one
    request at a time: the review's previews load in parallel, SQLite is in memory)."""
    from safeguard.web.intelligence.demo import seed_intelligence_demo
    from safeguard.web.partners.demo import seed_partners_demo
    from safeguard.web.safeguarding.demo import seed_safeguarding_demo
    from safeguard.web.triage_runs.demo import seed_web_demo

    seed_web_demo(demo_settings, demo_settings / "home")
    seed_safeguarding_demo()
    seed_partners_demo()
    seed_intelligence_demo()
    return str(one_request_at_a_time.url)


class Checker:
    """Visits pages in one browser session and runs axe on each; keeps what it finds."""

    def __init__(self, browser: Any, base: str, who: str) -> None:
        from axe_playwright_python.sync_playwright import Axe

        self.context = browser.new_context()
        self.page = self.context.new_page()
        self.page.set_default_timeout(15_000)
        self.base, self.who, self.axe = base, who, Axe()
        self.found: list[str] = []
        self.checked: list[str] = []

    def check(self, label: str) -> None:
        results = self.axe.run(self.page, options=AXE_OPTIONS).response
        self.checked.append(f"{self.who}: {label}")
        for violation in results["violations"]:
            if violation["impact"] in BLOCKING:
                targets = "; ".join(", ".join(map(str, node["target"]))
                                    for node in violation["nodes"][:5])
                self.found.append(f"{self.who} · {label} · {violation['id']} "
                                  f"({violation['impact']}): {violation['help']} [{targets}]")

    def visit(self, path: str, label: str = "") -> None:
        self.page.goto(self.base + path)
        label = label or path
        prompt = self.page.locator("#justification textarea")
        if prompt.count() and prompt.is_visible():
            self.check(f"reason prompt before {label}")
            justify(self.page, REASON)
        self.check(label)

    def submit_empty(self, path: str, button: str, label: str) -> None:
        """A form sent with nothing filled in: the page with its errors shown."""
        self.visit(path, label)
        self.page.click(button)
        self.page.wait_for_load_state()
        assert self.page.locator(".errorlist, #error-summary").count(), label
        self.check(f"{label}, with its errors")

    def sign_in(self, username: str) -> None:
        from safeguard.web.demo import DEMO_PASSWORD

        browser_sign_in(self.page, self.base, username, DEMO_PASSWORD,
                        on_code_page=lambda _: self.check("authenticator code"))
        self.check("home")

    def close(self) -> None:
        self.context.close()


def first(model: Any, **filters: Any) -> Any:
    found = model.objects.filter(**filters).order_by("pk").first()
    assert found is not None, f"the demo has no {model.__name__} {filters}"
    return found


def anonymous(c: Checker) -> None:
    from safeguard.web.partners.models import Business

    c.visit(reverse("accounts:login"), "sign-in")
    c.page.fill("input[name=username]", "nobody")
    c.page.fill("input[name=password]", "not-the-password")
    c.page.click("button[type=submit]")
    c.page.wait_for_url("**/accounts/login/code/")  # nothing says which factor failed
    c.check("the code page")
    c.page.fill("input[name=code]", "000000")
    c.page.click("button[type=submit]")
    c.page.wait_for_url("**/accounts/login/")
    assert c.page.locator(".messages [role=alert]").count(), "the refusal is announced"
    c.check("sign-in, refused")
    c.visit(reverse("accounts:enrol", args=["no-such-link"]), "an enrolment link not valid")
    c.submit_empty(reverse("partners:report"), "form button[type=submit]",
                   "the public concern form")
    c.visit(reverse("partners:report_privacy"), "the public form's privacy notice")
    assert Business.objects.exists()


def supervisor(c: Checker) -> None:
    """A police supervisor: every section, and the most pages."""
    from safeguard.web.intelligence.models import Referral as IntelReferral
    from safeguard.web.intelligence.models import Subject
    from safeguard.web.investigations.models import (
        Exhibit,
        Investigation,
        Operation,
        Suspect,
    )
    from safeguard.web.partners.models import (
        Business,
        ConcernReport,
        LicensingReferral,
        TrainingSession,
    )
    from safeguard.web.safeguarding.models import (
        AdultOfConcern,
        Child,
        Concern,
        MissingEpisode,
        PanelMeeting,
        Referral,
        RiskAssessment,
        WarningNotice,
    )

    c.sign_in("police.supervisor")
    child = first(Child, owning_agency__name__startswith="Staffordshire Police")
    pages: list[tuple[str, str]] = [
        (reverse("safeguarding:index"), "the register"),
        (reverse("safeguarding:child_list"), "children"),
        (reverse("safeguarding:child_detail", args=[child.pk]), "a child"),
        (reverse("safeguarding:adult_list"), "adults of concern"),
        (reverse("safeguarding:adult_detail", args=[first(AdultOfConcern).pk]),
         "an adult of concern"),
        (reverse("safeguarding:notice_list"), "warning notices"),
        (reverse("safeguarding:notice_detail", args=[first(WarningNotice).pk]),
         "a warning notice"),
        (reverse("safeguarding:referral_list"), "referrals"),
        (reverse("safeguarding:referral_detail", args=[first(Referral).pk]), "a referral"),
        (reverse("safeguarding:panel_list"), "panels"),
        (reverse("safeguarding:panel_detail", args=[first(PanelMeeting).pk]), "a panel"),
        (reverse("statistics:panel_pack", args=[first(PanelMeeting).pk]), "a panel's pack"),
        (reverse("safeguarding:assessment_detail", args=[first(RiskAssessment).pk]),
         "a risk screening"),
        (reverse("safeguarding:episode_detail", args=[first(MissingEpisode).pk]),
         "a missing episode"),
        (reverse("safeguarding:concern_detail", args=[first(Concern).pk]), "a harm"),
        (reverse("safeguarding:caseload"), "my caseload"),
        (reverse("safeguarding:overdue"), "overdue"),
        (reverse("safeguarding:grades"), "grades by district"),
        (reverse("safeguarding:board"), "the due and overdue board"),
        (reverse("safeguarding:shares", args=["child", child.pk]), "sharing a child"),
        (reverse("safeguarding:child_chronology", args=[child.pk]), "a child's chronology"),
        (reverse("safeguarding:access_requests"), "access requests"),
        (reverse("safeguarding:access_request_create", args=[child.pk]), "asking for access"),
        (reverse("investigations:investigation_list"), "investigations"),
        (reverse("investigations:investigation_detail", args=[first(Investigation).pk]),
         "an investigation"),
        (reverse("investigations:operation_list"), "operations"),
        (reverse("investigations:operation_detail", args=[first(Operation).pk]),
         "an operation"),
        (reverse("investigations:suspect_list"), "suspects"),
        (reverse("investigations:suspect_detail", args=[first(Suspect).pk]), "a suspect"),
        (reverse("investigations:exhibit_list"), "exhibits"),
        (reverse("investigations:exhibit_detail", args=[first(Exhibit).pk]), "an exhibit"),
        (reverse("intelligence:queue"), "the intelligence work queue"),
        (reverse("intelligence:live"), "the live picture"),
        (reverse("intelligence:referral_list"), "intelligence referrals"),
        (reverse("intelligence:referral_detail", args=[first(IntelReferral).pk]),
         "an intelligence referral"),
        (reverse("intelligence:subject_detail", args=[first(Subject).pk]), "a subject"),
        (reverse("intelligence:referral_import"), "importing referrals"),
        (reverse("intelligence:token_list"), "API tokens"),
        (reverse("intelligence:timeliness"), "intelligence timeliness"),
        (reverse("intelligence:subject_assess", args=[first(Subject).pk]),
         "assessing a subject's access to children"),
        (reverse("partners:index"), "partners"),
        (reverse("partners:business_list"), "businesses"),
        (reverse("partners:business_detail", args=[first(Business).pk]), "a business"),
        (reverse("partners:session_list"), "training sessions"),
        (reverse("partners:session_detail", args=[first(TrainingSession).pk]),
         "a training session"),
        (reverse("partners:coverage"), "training coverage"),
        (reverse("partners:driver_list"), "licensed drivers"),
        (reverse("partners:refreshers"), "refresher training"),
        (reverse("partners:referral_list"), "licensing referrals"),
        (reverse("partners:referral_detail", args=[first(LicensingReferral).pk]),
         "a licensing referral"),
        (reverse("partners:queue"), "concern reports"),
        (reverse("partners:concern_detail", args=[first(ConcernReport).pk]),
         "a concern report"),
        (reverse("statistics:dashboard"), "statistics"),
        (reverse("retention:work_list"), "the retention review"),
        (reverse("retention:decision_log"), "the retention decision log"),
        (reverse("audit:events"), "the audit log"),
        (reverse("audit:access_log", args=["safeguarding.child", child.pk]),
         "a child's access log"),
        (reverse("accounts:password"), "changing one's password"),
        ("/no-such-page/", "a page that does not exist"),
    ]
    for path, label in pages:
        c.visit(path, label)
    c.submit_empty(reverse("safeguarding:child_create"), "main form button[type=submit]",
                   "a new child")
    c.submit_empty(reverse("investigations:investigation_create"),
                   "main form button[type=submit]", "a new investigation")
    c.submit_empty(reverse("partners:business_create"), "main form button[type=submit]",
                   "a new business")


def reviewer(c: Checker) -> None:
    """An image reviewer: the review queue (blurred by default), a picture revealed, a
    group, the preferences."""
    from safeguard.web.investigations.models import Exhibit
    from safeguard.web.review.models import ReviewItem

    c.sign_in("police.reviewer")
    exhibit = first(Exhibit, reference="EX-0001")
    c.visit(reverse("review:exhibit_queue", args=[exhibit.pk]), "the review queue")
    assert c.page.locator("img.blurred").count(), "welfare mode: previews start blurred"
    assert c.page.locator("img.revealed").count() == 0
    c.page.locator(".reveal-link").first.click()
    c.page.wait_for_selector("img.revealed")
    c.check("the review queue, a picture revealed")
    c.page.keyboard.press("Escape")
    c.check("the review queue, hidden (Esc)")
    item = first(ReviewItem, job__exhibit=exhibit)
    c.visit(reverse("review:item_group", args=[item.pk]), "a near-duplicate group")
    c.visit(reverse("review:preferences"), "review preferences")


def examiner(c: Checker) -> None:
    """A forensic examiner: an exhibit with its triage form, a triage job and its files."""
    from safeguard.web.investigations.models import Exhibit
    from safeguard.web.triage_runs.models import TriageJob

    c.sign_in("police.examiner")
    exhibit = first(Exhibit, reference="EX-0002")
    c.visit(reverse("investigations:exhibit_detail", args=[exhibit.pk]),
            "an exhibit with the triage form")
    job = first(TriageJob, exhibit=exhibit)
    c.visit(reverse("triage_runs:job_detail", args=[job.pk]), "a finished triage job")
    c.visit(reverse("triage_runs:job_files", args=[job.pk]), "a triage's files")
    c.submit_empty(reverse("investigations:exhibit_create", args=[exhibit.investigation_id]),
                   "main form button[type=submit]", "a new exhibit")


def administrator(c: Checker) -> None:
    """The platform administrator: users and agencies."""
    from safeguard.web.accounts.models import Agency, User

    c.sign_in("police.admin")
    c.visit(reverse("accounts:user_list"), "users")
    c.visit(reverse("accounts:user_edit", args=[first(User, username="county.admin").pk]),
            "a user")
    c.submit_empty(reverse("accounts:user_create"), "main form button[type=submit]",
                   "a new user")
    c.visit(reverse("accounts:agency_list"), "agencies")
    c.visit(reverse("accounts:agency_edit", args=[first(Agency).pk]), "an agency")
    c.visit(reverse("audit:events"), "the audit log")
    c.visit(reverse("intelligence:token_list"), "API tokens (administrator)")


def partner(c: Checker) -> None:
    """A practitioner of the county council: the register as a partner sees it, a
    refusal, a form with its errors."""
    from safeguard.web.safeguarding.models import Child

    c.sign_in("county.practitioner")
    child = first(Child, owning_agency__name__startswith="Staffordshire County")
    for path, label in [
        (reverse("safeguarding:child_list"), "children (partner)"),
        (reverse("safeguarding:child_detail", args=[child.pk]), "a child (partner)"),
        (reverse("safeguarding:caseload"), "my caseload (partner)"),
        (reverse("safeguarding:overdue"), "overdue (partner)"),
        (reverse("partners:business_list"), "businesses (partner)"),
        (reverse("investigations:investigation_list"), "investigations, refused"),
    ]:
        c.visit(path, label)
    c.submit_empty(reverse("safeguarding:episode_create", args=[child.pk]),
                   "main form button[type=submit]", "a new missing episode")
    # The front door's queue and a task in it (issue 15: tasks across agencies).
    from safeguard.web.safeguarding.models import Task

    task = first(Task, assigned_agency__name__startswith="Staffordshire County",
                 kind="referral_decision", status="offered")
    c.visit(reverse("safeguarding:task_inbox") + "?kind=referral_decision",
            "the front door queue")
    c.visit(reverse("safeguarding:task_detail", args=[task.pk]), "a task")
    c.submit_empty(reverse("safeguarding:task_record", args=[task.pk]),
                   "main form button[type=submit]", "a front door decision")


def analyst(c: Checker) -> None:
    """A police analyst: statistics as published, and the intelligence imports."""
    c.sign_in("police.analyst")
    c.visit(reverse("statistics:dashboard") + "?view=published&measure=concerns_reported",
            "statistics as published")
    c.visit(reverse("intelligence:sighting_import"), "importing sightings")


ROLES: list[tuple[str, Callable[[Checker], None]]] = [
    ("anonymous", anonymous),
    ("police supervisor", supervisor),
    ("image reviewer", reviewer),
    ("forensic examiner", examiner),
    ("administrator", administrator),
    ("county practitioner", partner),
    ("analyst", analyst),
]


def test_no_page_has_a_serious_or_critical_accessibility_violation(
        demo: str, browser: Any) -> None:
    found: list[str] = []
    checked: list[str] = []
    for who, visit in ROLES:
        checker = Checker(browser, demo, who)
        try:
            visit(checker)
        finally:
            checker.close()
        found.extend(checker.found)
        checked.extend(checker.checked)
    assert len(checked) > 80, checked
    assert not found, "\n".join(found)
