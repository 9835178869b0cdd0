"""Intelligence is police-only: every page probed with the owner (the right role), the
partner (bob, a council), the outsider (charlie, health), another police force (erin) and
a police role without intelligence (a forensic examiner); each probe leaves its audit row.
The last test fails when an intelligence URL is missing from the table."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver

from safeguard.web.accounts.models import Role
from safeguard.web.audit.models import Action
from safeguard.web.intelligence.models import ApiToken, Subject, new_token

from ..base import make_user
from .helpers import REASON, IntelTestCase, referral

LIST = "list"      # any intelligence reader of a police force: 200 (own agency's records)
OPENS = "opens"    # a record: the reason first, then a view event naming it
WORK = "work"      # changing a subject (its form): readers of the owning force
IMPORT = "import"  # analysts and supervisors
CASE = "case"      # investigators and supervisors
TOKENS = "tokens"  # supervisors and administrators


@dataclass(frozen=True)
class Page:
    name: str
    url: Callable[[Any], str]
    kind: str
    record: Callable[[Any], Any] | None = None


PAGES = [
    Page("queue", lambda t: "/intelligence/", LIST),
    Page("live", lambda t: "/intelligence/live/", LIST),
    Page("referral_list", lambda t: "/intelligence/referrals/", LIST),
    Page("referral_import", lambda t: "/intelligence/referrals/import/", IMPORT),
    Page("sighting_import", lambda t: "/intelligence/sightings/import/", IMPORT),
    Page("token_list", lambda t: "/intelligence/tokens/", TOKENS),
    Page("timeliness", lambda t: "/intelligence/timeliness/", LIST),
    Page("subject_detail", lambda t: f"/intelligence/subjects/{t.subject.pk}/", OPENS,
         lambda t: t.subject),
    Page("referral_detail", lambda t: f"/intelligence/referrals/{t.referral.pk}/", OPENS,
         lambda t: t.referral),
    Page("subject_edit", lambda t: f"/intelligence/subjects/{t.subject.pk}/edit/", WORK,
         lambda t: t.subject),
    Page("subject_decide", lambda t: f"/intelligence/subjects/{t.subject.pk}/decide/", WORK,
         lambda t: t.subject),
    Page("subject_assess", lambda t: f"/intelligence/subjects/{t.subject.pk}/assess/", WORK,
         lambda t: t.subject),
    Page("subject_merge", lambda t: f"/intelligence/subjects/{t.subject.pk}/merge/", WORK,
         lambda t: t.subject),
    Page("subject_split", lambda t: f"/intelligence/subjects/{t.subject.pk}/split/", WORK,
         lambda t: t.subject),
    Page("subject_investigate",
         lambda t: f"/intelligence/subjects/{t.subject.pk}/investigate/", CASE,
         lambda t: t.subject),
]
POST_ONLY = {"token_revoke",  # probed in RevokeBoundaryTests
             "child_refer"}  # test_children.ReferBoundaryTests
POLLS = {"live_update"}  # the live page's own refresh: LiveUpdateTests
OWNER_ROLE = {LIST: Role.INVESTIGATOR, OPENS: Role.INVESTIGATOR, WORK: Role.ANALYST,
              IMPORT: Role.ANALYST, CASE: Role.INVESTIGATOR, TOKENS: Role.SUPERVISOR}


class BoundaryTests(IntelTestCase):
    def setUp(self) -> None:
        outcome = self.take_in(referral("R1", email="a@example.org"))
        self.referral = outcome.referral
        self.subject = Subject.objects.get()
        # Even a share (which no intelligence page makes) opens nothing to a partner.
        self.share_with(self.subject)
        self.share_with(self.referral)
        self.examiner = make_user("frank", self.owner_agency, Role.FORENSIC_EXAMINER)

    def probe(self, page: Page, user: Any) -> tuple[int, Any]:
        self.client.logout()
        self.login(user)
        if page.record is not None:
            self.justify(page.record(self))
        latest = self.audit_events().last()
        before = latest.sequence if latest else 0
        response = self.client.get(page.url(self))
        events = self.audit_events().filter(sequence__gt=before)
        self.assertTrue(events.exists(), "no audit row")
        return response.status_code, events.last()

    def test_the_owner_with_the_right_role(self) -> None:
        for page in PAGES:
            with self.subTest(page=page.name):
                self.set_role(self.alice, OWNER_ROLE[page.kind])
                status, event = self.probe(page, self.alice)
                self.assertEqual(status, 200)
                self.assertEqual((event.actor, event.action), (self.alice, Action.VIEW))
                if page.record is not None:
                    record = page.record(self)
                    self.assertEqual(event.object_id, str(record.pk))
                    self.assertEqual(event.justification, REASON)

    def test_partners_and_outsiders_are_refused_the_section(self) -> None:
        # The section is closed to their agencies: 403 on every page, the same for a
        # record as for a list, and no record's name recorded (policy.SECTIONS).
        for page in PAGES:
            for user in (self.bob, self.charlie):
                with self.subTest(page=page.name, user=user.username):
                    status, event = self.probe(page, user)
                    self.assertEqual(status, 403)
                    self.assertEqual((event.actor, event.action, event.details["status"]),
                                     (user, Action.ACCESS_DENIED, 403))
                    self.assertEqual(event.object_label, "")

    def test_another_force_sees_its_own_lists_only(self) -> None:
        for page in PAGES:
            with self.subTest(page=page.name):
                status, event = self.probe(page, self.erin)
                if page.record is not None:
                    expected = 404
                elif page.kind == TOKENS:
                    expected = 403
                else:
                    expected = 200
                self.assertEqual(status, expected)
                self.assertEqual(event.actor, self.erin)
                if expected != 200:
                    self.assertEqual(event.action, Action.ACCESS_DENIED)

    def test_a_police_role_without_intelligence_is_refused(self) -> None:
        for page in PAGES:
            with self.subTest(page=page.name):
                status, event = self.probe(page, self.examiner)
                self.assertEqual(status, 403)
                self.assertEqual((event.action, event.details["status"]),
                                 (Action.ACCESS_DENIED, 403))

    def test_roles_within_the_force(self) -> None:
        for role, allowed in ((Role.INVESTIGATOR, {LIST, OPENS, WORK, CASE}),
                              (Role.ANALYST, {LIST, OPENS, WORK, IMPORT}),
                              (Role.SUPERVISOR, {LIST, OPENS, WORK, IMPORT, CASE, TOKENS}),
                              (Role.ADMINISTRATOR, {TOKENS})):
            self.set_role(self.alice, role)
            for page in PAGES:
                with self.subTest(role=role, page=page.name):
                    status, _ = self.probe(page, self.alice)
                    self.assertEqual(status, 200 if page.kind in allowed else 403)

    def test_a_record_opens_only_after_the_reason(self) -> None:
        self.login(self.alice)
        response = self.client.get(f"/intelligence/subjects/{self.subject.pk}/")
        self.assertContains(response, "Why do you need to open this record?")
        self.assertNotAudited(Action.VIEW, self.subject)
        response = self.client.post("/audit/justify/", {
            "target": response.context["form"].initial["target"],
            "next": f"/intelligence/subjects/{self.subject.pk}/",
            "justification": REASON})
        self.assertEqual(response.status_code, 302)
        response = self.client.get(f"/intelligence/subjects/{self.subject.pk}/")
        self.assertContains(response, self.subject.label)
        self.assertAudited(Action.VIEW, self.subject, actor=self.alice)

    def test_every_intelligence_url_is_probed(self) -> None:
        names = set()
        for entry in get_resolver().url_patterns:
            if isinstance(entry, URLResolver) and entry.namespace == "intelligence":
                names.update(p.name for p in entry.url_patterns
                             if isinstance(p, URLPattern) and p.name)
        self.assertEqual(names - POST_ONLY - POLLS, {page.name for page in PAGES})


class LiveUpdateTests(IntelTestCase):
    """The live picture's refresh (live.js): the same access as the page; not recorded
    (the page was) and not activity for the idle timeout, as a triage's progress poll."""

    def test_readers_get_the_figures_and_nothing_is_recorded(self) -> None:
        self.login(self.alice)
        before = self.audit_events().count()
        response = self.client.get("/intelligence/live/update/")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'id="last-hour"')
        self.assertNotContains(response, "<html")
        self.assertEqual(self.audit_events().count(), before)

    def test_partners_and_police_roles_without_intelligence_are_refused(self) -> None:
        examiner = make_user("frank", self.owner_agency, Role.FORENSIC_EXAMINER)
        for user in (self.bob, self.charlie, examiner):
            with self.subTest(user=user.username):
                self.client.logout()
                self.login(user)
                self.assertEqual(self.client.get("/intelligence/live/update/").status_code,
                                 403)


class RevokeBoundaryTests(IntelTestCase):
    def test_only_the_owning_forces_supervisors_revoke(self) -> None:
        _, prefix, digest = new_token()
        token = ApiToken.objects.create(owning_agency=self.owner_agency, name="Feed",
                                        prefix=prefix, digest=digest)
        url = f"/intelligence/tokens/{token.pk}/revoke/"
        self.set_role(self.erin, Role.SUPERVISOR)
        # Partners: the section is closed to them (403); another force: not its token (404).
        for user, status in ((self.bob, 403), (self.charlie, 403), (self.erin, 404),
                             (self.dora, 403)):
            self.client.logout()
            self.login(user)
            self.assertEqual(self.client.post(url).status_code, status)
            self.assertAudited(Action.ACCESS_DENIED, token, actor=user, status=status)
        self.assertEqual(self.client.get(url).status_code, 405)
        token.refresh_from_db()
        self.assertIsNone(token.revoked_at)
        self.set_role(self.alice, Role.SUPERVISOR)
        self.client.logout()
        self.login(self.alice)
        self.assertEqual(self.client.post(url).status_code, 302)
        token.refresh_from_db()
        self.assertIsNotNone(token.revoked_at)
        self.assertAudited(Action.UPDATE, token, actor=self.alice, revoked=True)



