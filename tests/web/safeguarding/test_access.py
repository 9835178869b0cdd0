"""The three-person boundary for every register page, and the audit row each leaves.

alice (police investigator) owns every record; bob (council practitioner) has them all
shared, read only; charlie (health practitioner) has none. A test at the end fails when
a register URL is missing from the table, so a new page cannot skip the boundary.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.test import override_settings
from django.urls import URLPattern, get_resolver

from safeguard.web.accounts.models import Role
from safeguard.web.audit.models import Action
from safeguard.web.safeguarding.models import Referral

from .base import NOW, RegisterTestCase

OPENS = "opens"      # a record's page: the reason asked, then a view event with it
LIST = "list"        # a list: everyone signed in with a register role; one view event
WRITE = "write"      # changes a record: owner 200, partner 403, outsider 404
ADD = "add"          # adds a record about a child the user may read: partner too
NEW = "new"          # a new record not tied to another: any writer
POLICE = "police"    # police writers only
BOARD = "board"      # supervisors and analysts only: all three (investigator, practitioners) 403


@dataclass(frozen=True)
class Page:
    name: str
    url: Callable[[Any], str]
    kind: str
    subject: Callable[[Any], Any] | None = None   # the record whose reason is asked
    viewed: Callable[[Any], Any] | None = None    # the record the view event names


def child(t: Any) -> Any:
    return t.child


PAGES = [
    Page("index", lambda t: "/safeguarding/", LIST),
    Page("caseload", lambda t: "/safeguarding/work/caseload/", LIST),
    Page("overdue", lambda t: "/safeguarding/work/overdue/", LIST),
    Page("grades", lambda t: "/safeguarding/work/grades/", LIST),
    Page("board", lambda t: "/safeguarding/work/board/", BOARD),
    Page("child_list", lambda t: "/safeguarding/children/", LIST),
    Page("referral_list", lambda t: "/safeguarding/referrals/", LIST),
    Page("adult_list", lambda t: "/safeguarding/adults/", LIST),
    Page("notice_list", lambda t: "/safeguarding/notices/", LIST),
    Page("panel_list", lambda t: "/safeguarding/panels/", LIST),
    Page("child_create", lambda t: "/safeguarding/children/new/", NEW),
    Page("adult_create", lambda t: "/safeguarding/adults/new/", NEW),
    Page("panel_create", lambda t: "/safeguarding/panels/new/", NEW),
    Page("notice_create", lambda t: "/safeguarding/notices/new/", POLICE),
    Page("child_detail", lambda t: f"/safeguarding/children/{t.child.pk}/", OPENS),
    Page("adult_detail", lambda t: f"/safeguarding/adults/{t.adult.pk}/", OPENS),
    Page("notice_detail", lambda t: f"/safeguarding/notices/{t.notice.pk}/", OPENS),
    Page("panel_detail", lambda t: f"/safeguarding/panels/{t.panel.pk}/", OPENS),
    Page("assessment_detail", lambda t: f"/safeguarding/risk/{t.assessment.pk}/", OPENS,
         child, lambda t: t.assessment),
    Page("episode_detail", lambda t: f"/safeguarding/missing/{t.episode.pk}/", OPENS,
         child, lambda t: t.episode),
    Page("concern_detail", lambda t: f"/safeguarding/concerns/{t.concern.pk}/", OPENS,
         child, lambda t: t.concern),
    Page("referral_detail", lambda t: f"/safeguarding/referrals/{t.referral.pk}/", OPENS,
         child, lambda t: t.referral),
    Page("child_edit", lambda t: f"/safeguarding/children/{t.child.pk}/edit/", WRITE),
    Page("person_add", lambda t: f"/safeguarding/children/{t.child.pk}/people/new/", WRITE),
    Page("involvement_add", lambda t: f"/safeguarding/children/{t.child.pk}/agencies/new/",
         WRITE),
    Page("adult_edit", lambda t: f"/safeguarding/adults/{t.adult.pk}/edit/", WRITE),
    Page("arrest_add", lambda t: f"/safeguarding/adults/{t.adult.pk}/arrests/new/", WRITE),
    Page("notice_status", lambda t: f"/safeguarding/notices/{t.notice.pk}/status/", WRITE),
    Page("breach_add", lambda t: f"/safeguarding/notices/{t.notice.pk}/breaches/new/", WRITE),
    Page("attendee_add", lambda t: f"/safeguarding/panels/{t.panel.pk}/attendees/new/", WRITE),
    Page("discussion_add", lambda t: f"/safeguarding/panels/{t.panel.pk}/discussions/new/",
         WRITE),
    Page("action_add", lambda t: f"/safeguarding/panels/{t.panel.pk}/actions/new/", WRITE),
    Page("disruption_add", lambda t: f"/safeguarding/panels/{t.panel.pk}/disruption/new/",
         WRITE, lambda t: t.panel),
    Page("episode_edit", lambda t: f"/safeguarding/missing/{t.episode.pk}/edit/", WRITE, child,
         lambda t: t.episode),
    Page("concern_edit", lambda t: f"/safeguarding/concerns/{t.concern.pk}/edit/", WRITE, child,
         lambda t: t.concern),
    Page("referral_decide", lambda t: f"/safeguarding/referrals/{t.referral.pk}/decide/", WRITE,
         child, lambda t: t.referral),
    Page("referral_child_protection", lambda t: _strategy_referral(t), WRITE, child,
         lambda t: t.referral),
    Page("child_closure", lambda t: f"/safeguarding/children/{t.child.pk}/closure/", WRITE),
    Page("task_inbox", lambda t: "/safeguarding/tasks/", LIST),
    Page("child_merge", lambda t: f"/safeguarding/children/{t.child.pk}/merge/", WRITE),
    Page("child_chronology", lambda t: f"/safeguarding/children/{t.child.pk}/chronology/",
         OPENS),
    Page("access_request_create", lambda t: f"/safeguarding/children/{t.child.pk}/access/new/",
         ADD, child, child),
    Page("access_requests", lambda t: "/safeguarding/access/", LIST),
    Page("legal_status_add", lambda t: f"/safeguarding/children/{t.child.pk}/legal-status/new/",
         WRITE),
    Page("shares", lambda t: f"/safeguarding/share/child/{t.child.pk}/", WRITE),
    Page("assessment_create", lambda t: f"/safeguarding/children/{t.child.pk}/risk/new/", ADD,
         child, child),
    Page("episode_create", lambda t: f"/safeguarding/children/{t.child.pk}/missing/new/", ADD,
         child, child),
    Page("concern_create", lambda t: f"/safeguarding/children/{t.child.pk}/concerns/new/cse/",
         ADD, child, child),
    Page("referral_create", lambda t: f"/safeguarding/children/{t.child.pk}/referrals/new/",
         ADD, child, child),
]


def _strategy_referral(t: Any) -> str:
    """The child protection steps page of a referral decided "strategy discussion" (it
    sends any other referral back to its page)."""
    Referral.objects.filter(pk=t.referral.pk).update(outcome="strategy_discussion")
    return f"/safeguarding/referrals/{t.referral.pk}/child-protection/"


# POST-only actions, probed in their own tests (test_panels, test_sharing).
POST_ONLY = {"action_done", "unshare",
             # test_one_child.py: undoing a merge, deciding an access request.
             "child_unmerge", "access_request_decide"}
# A task's pages: the holder, the assignee, another partner and an outsider, each in
# test_tasks.py (the three people here hold no task).
TASK_PAGES = {"task_detail", "task_respond", "task_record", "task_allocate", "task_assign"}


@override_settings(SAFEGUARDING_NOW=NOW)
class BoundaryTests(RegisterTestCase):
    def setUp(self) -> None:
        self.share_all()

    def subject(self, page: Page) -> Any:
        if page.subject is not None:
            return page.subject(self)
        return self.record_of(page)

    def record_of(self, page: Page) -> Any:
        """The record a page opens or changes (the reason is asked for it)."""
        for prefix, attr in (("child", "child"), ("person", "child"), ("involvement", "child"),
                             ("legal", "child"),
                             ("shares", "child"), ("adult", "adult"), ("arrest", "adult"),
                             ("notice", "notice"), ("breach", "notice"), ("panel", "panel"),
                             ("attendee", "panel"), ("discussion", "panel"),
                             ("action", "panel")):
            if page.name.startswith(prefix):
                return getattr(self, attr)
        raise AssertionError(f"no record for {page.name}")

    def expected(self, page: Page, user: Any) -> int:
        if page.kind == BOARD:
            return 403  # test_board.py opens it as a supervisor and an analyst
        if user == self.charlie:
            return 403 if page.kind == POLICE else (200 if page.kind in (LIST, NEW) else 404)
        if user == self.bob:
            return 403 if page.kind in (WRITE, POLICE) else 200
        return 200

    def test_every_page_for_the_owner_the_partner_and_the_outsider(self) -> None:
        for page in PAGES:
            for user in (self.alice, self.bob, self.charlie):
                with self.subTest(page=page.name, user=user.username):
                    self.client.logout()
                    self.login(user)
                    needs_reason = page.kind in (OPENS, WRITE, ADD)
                    if needs_reason:
                        self.justify(self.subject(page))
                    latest = self.audit_events().last()
                    before = latest.sequence if latest else 0
                    response = self.client.get(page.url(self))
                    status = self.expected(page, user)
                    self.assertEqual(response.status_code, status)
                    events = self.audit_events().filter(sequence__gt=before)
                    self.assertTrue(events.exists(), "no audit row")
                    event = events.last()
                    assert event is not None
                    self.assertEqual(event.actor, user)
                    if status in (403, 404):
                        self.assertEqual(event.action, Action.ACCESS_DENIED)
                        self.assertEqual(event.details["status"], status)
                    else:
                        self.assertEqual(event.action, Action.VIEW)
                        if needs_reason:
                            viewed = page.viewed(self) if page.viewed else self.subject(page)
                            self.assertEqual(
                                (event.object_type, event.object_id),
                                (viewed._meta.label_lower, str(viewed.pk)))
                            self.assertEqual(event.justification,
                                             "Strategy meeting preparation")
                        else:
                            self.assertIn("page", event.details)

    def test_a_record_page_asks_for_the_reason_first(self) -> None:
        self.login(self.bob)
        for page in PAGES:
            if page.kind not in (OPENS, ADD):
                continue
            with self.subTest(page=page.name):
                response = self.client.get(page.url(self))
                self.assertContains(response, "Why are you opening this record?")
                self.assertNotAudited(Action.VIEW, self.subject(page))

    def test_one_reason_for_the_child_covers_its_records(self) -> None:
        self.login(self.bob)
        response = self.client.get(f"/safeguarding/risk/{self.assessment.pk}/")
        self.assertContains(response, "Why are you opening this record?")
        self.assertContains(response, str(self.child))  # the reason is asked for the child
        self.justify(self.child, "Preparing for the panel")
        self.client.get(f"/safeguarding/missing/{self.episode.pk}/")
        event = self.assertAudited(Action.VIEW, self.episode, actor=self.bob)
        self.assertEqual(event.justification, "Preparing for the panel")

    def test_a_revoked_share_hides_the_record_again(self) -> None:
        share = self.shares_of(self.child).get(agency=self.partner_agency)
        share.revoked_at = share.shared_at
        share.save()
        self.login(self.bob)
        self.justify(self.child)
        self.assertEqual(self.client.get(f"/safeguarding/children/{self.child.pk}/").status_code,
                         404)
        # ...and the child's records, though each is still shared, with it.
        self.assertEqual(self.client.get(f"/safeguarding/risk/{self.assessment.pk}/")
                         .status_code, 404)

    def test_roles_outside_the_register_get_403(self) -> None:
        self.set_role(self.alice, Role.IMAGE_REVIEWER)
        self.login(self.alice)
        self.assertEqual(self.client.get("/safeguarding/children/").status_code, 403)
        self.assertEqual(self.client.get(f"/safeguarding/children/{self.child.pk}/")
                         .status_code, 403)
        self.set_role(self.alice, Role.ANALYST)  # reads, does not write
        self.justify(self.child)
        self.assertEqual(self.client.get(f"/safeguarding/children/{self.child.pk}/")
                         .status_code, 200)
        self.assertEqual(self.client.get(f"/safeguarding/children/{self.child.pk}/edit/")
                         .status_code, 403)
        self.assertAudited(Action.ACCESS_DENIED, self.child, actor=self.alice, status=403)

    def test_a_record_that_does_not_exist_is_404(self) -> None:
        self.login(self.alice)
        for url in ("/safeguarding/children/999999/", "/safeguarding/share/nothing/1/",
                    f"/safeguarding/children/{self.child.pk}/concerns/new/unknown/"):
            with self.subTest(url=url):
                self.justify(self.child)
                self.assertEqual(self.client.get(url).status_code, 404)


def test_every_register_url_is_in_the_table() -> None:
    resolver = get_resolver()
    names = set()
    for pattern in resolver.url_patterns:
        for sub in getattr(pattern, "url_patterns", []):
            if getattr(pattern, "namespace", None) == "safeguarding" and isinstance(
                    sub, URLPattern):
                names.add(sub.name)
    assert names, "no register URLs found"
    assert names - POST_ONLY - TASK_PAGES == {page.name for page in PAGES}
