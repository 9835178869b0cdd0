"""The work list and its decisions through the pages: who may, what is refused, what a
retain or a disposal leaves behind."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from safeguard.web.accounts.models import Role
from safeguard.web.audit.models import Action, AuditEvent
from safeguard.web.core.models import Share
from safeguard.web.retention.models import DecisionKind, RetentionDecision
from safeguard.web.retention.views import PAGE_SIZE
from safeguard.web.safeguarding.models import (
    AgencyInvolvement,
    Child,
    Concern,
    FgmDetail,
    HarmKind,
    LinkedPerson,
    MissingEpisode,
    Rag,
    Referral,
    Relationship,
    RiskAssessment,
    ScreeningTool,
)

from ..base import make_user
from .base import NAME, REASON, TODAY, RetentionTestCase, local

URL = "/retention/"
DECIDE = "/retention/decide/"


def problems(response: Any) -> list[str]:
    """The messages of the page's error summary."""
    summary = re.search(r'id="error-summary">(.*?)</div>', response.content.decode(), re.S)
    return re.findall(r"<li>(.*?)</li>", summary.group(1), re.S) if summary else []


class WorkListTests(RetentionTestCase):
    def test_due_records_oldest_first_with_counts_by_type(self) -> None:
        younger = self.old_child(born=date(2001, 1, 1), changed=date(2012, 1, 1))  # 2025
        older = self.old_child(born=date(1990, 1, 1), changed=date(2015, 1, 1))    # 2021
        self.old_child(born=date(2010, 1, 1))                       # not due until 2034
        self.old_child(agency=self.partner_agency)                  # another agency's
        report = self.closed_report(date(2022, 6, 1))               # due 2024-06-01
        self.login(self.sam)
        response = self.client.get(URL)
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        order = [m.group(1) for m in re.finditer(r'<tr id="due-([a-z_]+-\d+)"', html)]
        self.assertEqual(order, [f"child-{older.pk}", f"concern_report-{report.pk}",
                                 f"child-{younger.pk}"])
        self.assertIn('id="count-child">2<', html)
        self.assertIn('id="count-concern_report">1<', html)
        self.assertIn('id="count-intelligence_subject">0<', html)
        self.assertAudited(Action.VIEW, actor=self.sam, page="retention review")
        only = self.client.get(URL, {"type": "concern_report"}).content.decode()
        self.assertIn(f'id="due-concern_report-{report.pk}"', only)
        self.assertNotIn(f'id="due-child-{older.pk}"', only)

    def test_it_is_paginated(self) -> None:
        for _ in range(PAGE_SIZE + 1):
            self.old_child()
        self.login(self.sam)
        first = self.client.get(URL).content.decode()
        second = self.client.get(URL, {"page": "2"}).content.decode()
        self.assertEqual(first.count('<tr id="due-'), PAGE_SIZE)
        self.assertEqual(second.count('<tr id="due-'), 1)
        self.assertIn("Page 2 of 2", second)

    def test_the_home_page_offers_it_to_supervisors_only(self) -> None:
        self.login(self.sam)
        self.assertContains(self.client.get("/"), f'href="{URL}"')
        self.login(self.alice)
        self.assertNotContains(self.client.get("/"), f'href="{URL}"')

    def test_no_inline_script_or_style(self) -> None:
        self.old_child()
        self.login(self.sam)
        for url in (URL, "/retention/log/"):
            html = self.client.get(url).content.decode()
            self.assertIsNone(re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), url)
            self.assertNotIn(" style=", html, url)
            self.assertIsNone(re.search(r"<[^>]+\son[a-z]+\s*=", html), url)


class DecisionTests(RetentionTestCase):
    def post(self, obj: Any, decision: str, **fields: Any) -> Any:
        data = {"record_type": "child", "object_id": str(obj.pk), "decision": decision,
                "reason": REASON, **fields}
        if decision == DecisionKind.DISPOSE:
            data.setdefault("confirm", "on")
        return self.client.post(DECIDE, data)

    def full_child(self) -> Child:
        """An old child with one of each part, each shared with the partner."""
        child = self.old_child()
        owner = self.owner_agency
        tool = ScreeningTool.objects.get(slug="cse-screening", version=1)
        parts = [
            MissingEpisode.objects.create(owning_agency=owner, child=child,
                                          missing_from="home", reported_at=local(TODAY)),
            Concern.objects.create(owning_agency=owner, child=child, kind=HarmKind.FGM,
                                   identified_on=date(2014, 1, 1), summary="Disclosed"),
            Referral.objects.create(owning_agency=owner, child=child, received_at=local(TODAY),
                                    referrer="School", concern="Older associates",
                                    rag=Rag.AMBER, decision_due=date(2014, 1, 2)),
            RiskAssessment.objects.create(owning_agency=owner, child=child, tool=tool,
                                          completed_on=date(2014, 1, 5), completed_by=self.alice,
                                          score=7, calculated_grade="medium", grade="medium",
                                          review_due=date(2014, 4, 5)),
        ]
        FgmDetail.objects.create(concern=parts[1])
        for part in parts:
            type(part).objects.filter(pk=part.pk).update(updated_at=local(date(2014, 1, 1)))
        LinkedPerson.objects.create(child=child, relationship=Relationship.FRIEND, name="Pal")
        LinkedPerson.objects.update(added_at=local(date(2014, 1, 1)))
        AgencyInvolvement.objects.create(child=child, agency_name="Test Academy")
        for obj in (child, *parts):
            self.share_with(obj)
        return child

    def test_retain_records_the_decision_and_the_next_review(self) -> None:
        child = self.old_child()
        self.login(self.sam)
        response = self.post(child, "retain", next_review_on="2028-03-03")
        self.assertRedirects(response, URL, fetch_redirect_response=False)
        decision = RetentionDecision.objects.get()
        self.assertEqual((decision.decision, decision.next_review_on, decision.decided_by),
                         ("retain", date(2028, 3, 3), self.sam))
        self.assertEqual(decision.object_id, child.pk)
        self.assertEqual(decision.label,
                         f"Register child record #{child.pk} (Staffordshire Police (test))")
        event = self.assertAudited(Action.UPDATE, child, actor=self.sam, retention="retain",
                                   next_review_on="2028-03-03", decision=decision.pk)
        self.assertEqual(event.justification, REASON)
        self.assertNotIn(f'id="due-child-{child.pk}"', self.client.get(URL).content.decode())
        self.assertTrue(Child.objects.filter(pk=child.pk).exists())

    def test_dispose_deletes_the_record_and_its_parts_and_keeps_no_name(self) -> None:
        child = self.full_child()
        pk = child.pk
        self.login(self.sam)
        response = self.post(child, "dispose")
        self.assertRedirects(response, URL, fetch_redirect_response=False)
        self.assertFalse(Child.objects.filter(pk=pk).exists())
        for model in (MissingEpisode, Concern, FgmDetail, Referral, RiskAssessment,
                      LinkedPerson, AgencyInvolvement):
            self.assertFalse(model.objects.exists(), model.__name__)
        decision = RetentionDecision.objects.get()
        self.assertEqual(decision.decision, "dispose")
        self.assertIsNone(decision.next_review_on)
        self.assertEqual(decision.label,
                         f"Register child record #{pk} (Staffordshire Police (test))")
        self.assertEqual(decision.disposed["child"], 1)
        self.assertEqual(decision.disposed["missing episode"], 1)
        event = AuditEvent.objects.filter(action=Action.DELETE).get()
        self.assertEqual((event.object_type, event.object_id), ("safeguarding.child", str(pk)))
        self.assertEqual(event.justification, REASON)
        # No name anywhere in what outlives the record.
        for text in (decision.label, str(decision.disposed), event.object_label,
                     str(event.details)):
            self.assertNotIn("Zebedee", text)
            self.assertNotIn("Retentiontest", text)
        # Its shares are ended, kept as the record of the disclosure.
        self.assertEqual(Share.objects.count(), 5)
        self.assertFalse(Share.objects.active().exists())
        log = self.client.get("/retention/log/").content.decode()
        self.assertIn(f"Register child record #{pk}", log)
        self.assertNotIn(NAME, log)

    def test_dispose_is_refused_naming_what_blocks_it(self) -> None:
        from safeguard.web.safeguarding.models import (
            AdultOfConcern,
            NoticeChild,
            PanelDiscussion,
            PanelMeeting,
            WarningNotice,
        )

        child = self.full_child()
        adult = AdultOfConcern.objects.create(owning_agency=self.owner_agency,
                                              first_name="Victor", last_name="Testadult")
        notice = WarningNotice.objects.create(
            owning_agency=self.owner_agency, adult=adult, served_at=local(date(2008, 1, 1)),
            served_by_name="PC Test 1234", review_due=date(2008, 7, 1))
        NoticeChild.objects.create(notice=notice, child=child, basis="caa1984_s2",
                                   age_when_served=14)
        # A panel of another agency discussed the child too: counted, not named.
        panel = PanelMeeting.objects.create(owning_agency=self.partner_agency,
                                            held_on=date(2008, 2, 1))
        PanelDiscussion.objects.create(meeting=panel, child=child, summary="s", decision="d")
        self.login(self.sam)
        response = self.post(child, "dispose")
        self.assertEqual(response.status_code, 409)
        [message] = problems(response)
        self.assertIn("1 warning notice naming it", message)
        self.assertIn("1 record held by another agency", message)
        self.assertNotIn("panel", message)  # another agency's record: counted, not named
        self.assertIn("Nothing was deleted", message)
        self.assertTrue(Child.objects.filter(pk=child.pk).exists())
        self.assertEqual(MissingEpisode.objects.filter(child=child).count(), 1)
        self.assertTrue(Share.objects.active().exists())
        self.assertFalse(RetentionDecision.objects.exists())
        self.assertNotAudited(Action.DELETE)

    def test_a_part_recorded_by_another_agency_blocks_the_disposal(self) -> None:
        child = self.old_child()
        episode = MissingEpisode.objects.create(
            owning_agency=self.partner_agency, child=child, missing_from="home",
            reported_at=local(TODAY))
        MissingEpisode.objects.filter(pk=episode.pk).update(updated_at=local(date(2014, 1, 1)))
        self.login(self.sam)
        response = self.post(child, "dispose")
        self.assertEqual(response.status_code, 409)
        self.assertContains(response, "recorded by another agency (1 missing episodes)",
                            status_code=409)
        self.assertTrue(MissingEpisode.objects.filter(pk=episode.pk).exists())


class RefusalTests(RetentionTestCase):
    def test_only_supervisors_open_the_section(self) -> None:
        child = self.old_child()
        for user in (self.alice, self.bob, make_user("adm", self.owner_agency,
                                                     Role.ADMINISTRATOR)):
            with self.subTest(user=user.username):
                self.client.logout()
                self.login(user)
                self.assertEqual(self.client.get(URL).status_code, 403)
                self.assertEqual(self.client.get("/retention/log/").status_code, 403)
                response = self.client.post(DECIDE, {
                    "record_type": "child", "object_id": str(child.pk), "decision": "dispose",
                    "reason": REASON, "confirm": "on"})
                self.assertEqual(response.status_code, 403)
                self.assertAudited(Action.ACCESS_DENIED, actor=user, status=403)
        self.assertTrue(Child.objects.filter(pk=child.pk).exists())

    def test_another_agencys_supervisor_gets_404_or_403_when_shared(self) -> None:
        child = self.old_child()
        data = {"record_type": "child", "object_id": str(child.pk), "decision": "dispose",
                "reason": REASON, "confirm": "on"}
        self.login(self.pat)
        self.assertEqual(self.client.post(DECIDE, data).status_code, 404)
        self.assertAudited(Action.ACCESS_DENIED, child, actor=self.pat, status=404)
        self.assertNotIn(f"child-{child.pk}", self.client.get(URL).content.decode())
        self.share_with(child)  # read-only for the partner: still not theirs to decide
        self.assertEqual(self.client.post(DECIDE, data).status_code, 403)
        self.assertTrue(Child.objects.filter(pk=child.pk).exists())
        self.assertFalse(RetentionDecision.objects.exists())

    def test_forged_values_are_refused_with_a_reason(self) -> None:
        due = self.old_child()
        young = self.old_child(born=date(2012, 1, 1), changed=date(2024, 1, 1))
        base = {"record_type": "child", "object_id": str(due.pk), "decision": "dispose",
                "reason": REASON, "confirm": "on"}
        cases: list[tuple[dict[str, str], int, str]] = [
            ({"record_type": "auth.user"}, 400, "Unknown record type"),
            ({"object_id": "12abc"}, 400, "Not a record id"),
            ({"object_id": "9" * 30}, 400, "Not a record id"),
            ({"object_id": str(young.pk)}, 400, "is not due for review today"),
            ({"decision": "archive"}, 400, "Choose retain or dispose"),
            ({"reason": "old"}, 400, "at least 20 characters"),
            ({"confirm": ""}, 400, "Tick the box to confirm"),
            ({"decision": "retain"}, 400, "Give the date of the next review"),
            ({"decision": "retain", "next_review_on": "2026-03-03"}, 400, "after today"),
            ({"decision": "retain", "next_review_on": "2036-03-04"}, 400, "by 3 Mar 2036"),
            ({"object_id": "999999"}, 404, ""),
        ]
        self.login(self.sam)
        for change, status, text in cases:
            with self.subTest(change=change):
                response = self.client.post(DECIDE, {**base, **change})
                self.assertEqual(response.status_code, status)
                if text:
                    self.assertContains(response, text, status_code=status)
        self.assertEqual(Child.objects.filter(pk__in=[due.pk, young.pk]).count(), 2)
        self.assertFalse(RetentionDecision.objects.exists())
        self.assertEqual(self.client.get(DECIDE).status_code, 405)

    def test_a_record_retained_is_not_due_until_its_next_review(self) -> None:
        child = self.old_child()
        self.login(self.sam)
        self.client.post(DECIDE, {"record_type": "child", "object_id": str(child.pk),
                                  "decision": "retain", "reason": REASON,
                                  "next_review_on": "2027-01-01"})
        response = self.client.post(DECIDE, {"record_type": "child", "object_id": str(child.pk),
                                             "decision": "dispose", "reason": REASON,
                                             "confirm": "on"})
        self.assertContains(response, "retained until 1 Jan 2027", status_code=400)
        self.assertEqual(RetentionDecision.objects.count(), 1)
        self.assertTrue(Child.objects.filter(pk=child.pk).exists())
