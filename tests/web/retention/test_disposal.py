"""Disposal of the other record types: an intelligence subject with everything that goes
with it (and what stays), a business concern report with its links."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.utils import timezone

from safeguard.web.audit.models import Action
from safeguard.web.intelligence.models import (
    Channel,
    Decision,
    DecisionKind,
    FileHash,
    HourlyCount,
    HourlyPresence,
    KeptApart,
    Link,
    LinkRule,
    Referral,
    ReferralFile,
    Sighting,
    SightingImport,
    Subject,
    SubjectFile,
    SubjectStatus,
)
from safeguard.web.partners.models import ConcernChild, ConcernPlace, ConcernReport
from safeguard.web.retention.models import RetentionDecision
from safeguard.web.safeguarding.models import Child

from .base import REASON, RetentionTestCase, local

DECIDE = "/retention/decide/"
OLD = local(date(2018, 1, 1))
HOUR = timezone.make_aware(datetime(2018, 1, 1, 12))


class SubjectDisposalTests(RetentionTestCase):
    def link(self, subject: Subject, value: str, referral: Referral | None = None,
             **fields: Any) -> Link:
        link = Link.objects.create(subject=subject, kind="email", value=value, shown=value,
                                   rule=LinkRule.FIRST, referral=referral,
                                   first_seen_at=OLD, last_seen_at=OLD, **fields)
        Link.objects.filter(pk=link.pk).update(linked_at=OLD)
        return link

    def referral(self, report_id: str) -> Referral:
        made = Referral.objects.create(owning_agency=self.owner_agency, report_id=report_id,
                                       reporting_service="ExampleChat", incident_at=OLD,
                                       channel=Channel.FILE, document={})
        ReferralFile.objects.create(referral=made, file=self.file, md5="0" * 32)
        return made

    def setUp(self) -> None:
        self.file = FileHash.objects.create(key="md5:" + "0" * 32, md5="0" * 32)
        self.subject = self.quiet_subject(date(2018, 1, 1))
        self.other = self.quiet_subject(date(2025, 1, 1))  # recent: not due
        self.own_referral = self.referral("R-OWN")
        self.shared_referral = self.referral("R-SHARED")
        self.mine = self.link(self.subject, "a@example.org", self.own_referral)
        self.link(self.subject, "b@example.org", self.shared_referral, matched=self.mine)
        self.link(self.other, "c@example.org", self.shared_referral)
        Decision.objects.create(subject=self.subject, kind=DecisionKind.DEVELOP,
                                reason="Develop", score=1.0, decided_by=self.sam)
        Decision.objects.update(decided_at=OLD)
        batch = SightingImport.objects.create(owning_agency=self.owner_agency, source="Mon")
        Sighting.objects.create(agency=self.owner_agency, batch=batch, observed_at=OLD,
                                kind="email", value="a@example.org", file=self.file,
                                known=True, link=self.mine, subject=self.subject)
        SubjectFile.objects.create(subject=self.subject, file=self.file)
        HourlyPresence.objects.create(agency=self.owner_agency, hour=HOUR, district_key=0,
                                      subject=self.subject)
        HourlyCount.objects.create(agency=self.owner_agency, hour=HOUR, district_key=0,
                                   subjects=1)
        KeptApart.objects.create(first=self.subject, second=self.other, by=self.sam)
        self.shell = self.quiet_subject(date(2017, 1, 1), status=SubjectStatus.MERGED,
                                        merged_into=self.subject, display_name="Old shell")
        Decision.objects.create(subject=self.shell, kind=DecisionKind.DEVELOP, reason="x",
                                score=1.0, decided_by=self.sam)
        Decision.objects.filter(subject=self.shell).update(decided_at=OLD)

    def dispose(self) -> Any:
        self.login(self.sam)
        return self.client.post(DECIDE, {
            "record_type": "intelligence_subject", "object_id": str(self.subject.pk),
            "decision": "dispose", "reason": REASON, "confirm": "on"})

    def test_it_goes_with_its_intelligence_and_the_rest_stays(self) -> None:
        self.assertEqual(self.due_ids("intelligence_subject"), {self.subject.pk})
        response = self.dispose()
        self.assertEqual(response.status_code, 302)
        self.assertEqual(set(Subject.objects.values_list("pk", flat=True)), {self.other.pk})
        self.assertEqual(list(Link.objects.values_list("value", flat=True)), ["c@example.org"])
        self.assertFalse(Decision.objects.exists())
        self.assertFalse(Sighting.objects.exists())
        self.assertFalse(SubjectFile.objects.exists())
        self.assertFalse(HourlyPresence.objects.exists())
        self.assertFalse(HourlyCount.objects.exists())  # recounted: nobody that hour now
        self.assertFalse(KeptApart.objects.exists())
        # The referral that named only this subject went; the one naming another stayed.
        self.assertEqual(list(Referral.objects.values_list("report_id", flat=True)),
                         ["R-SHARED"])
        self.assertEqual(ReferralFile.objects.count(), 1)
        self.assertTrue(FileHash.objects.exists())
        decision = RetentionDecision.objects.get()
        self.assertEqual(decision.label,
                         f"Intelligence subject {self.subject.label} (Staffordshire Police (test))")
        self.assertEqual(decision.disposed["subject"], 2)  # it and the shell merged into it
        self.assertEqual(decision.disposed["referral"], 1)
        self.assertAudited(Action.DELETE, self.subject, actor=self.sam, retention="dispose")

    def test_another_subjects_identifier_matched_to_its_own_blocks_it(self) -> None:
        self.link(self.other, "d@example.org", matched=self.mine)
        response = self.dispose()
        self.assertEqual(response.status_code, 409)
        self.assertContains(response, "1 identifier of another intelligence subject matched "
                            "to its own", status_code=409)
        self.assertEqual(Subject.objects.count(), 3)
        self.assertEqual(Sighting.objects.count(), 1)
        self.assertEqual(HourlyCount.objects.count(), 1)
        self.assertFalse(RetentionDecision.objects.exists())

    def test_a_partner_supervisor_cannot_reach_it(self) -> None:
        self.login(self.pat)
        response = self.client.post(DECIDE, {
            "record_type": "intelligence_subject", "object_id": str(self.subject.pk),
            "decision": "dispose", "reason": REASON, "confirm": "on"})
        self.assertEqual(response.status_code, 404)
        self.assertTrue(Subject.objects.filter(pk=self.subject.pk).exists())


class ConcernReportDisposalTests(RetentionTestCase):
    def test_its_links_go_and_the_child_stays(self) -> None:
        report = self.closed_report(date(2023, 1, 1))
        child = self.old_child(born=date(2012, 1, 1), changed=date(2025, 1, 1))
        ConcernChild.objects.create(report=report, child=child, added_by=self.sam)
        ConcernPlace.objects.create(report=report, description="Car park", added_by=self.sam)
        self.share_with(report)
        self.login(self.sam)
        response = self.client.post(DECIDE, {
            "record_type": "concern_report", "object_id": str(report.pk),
            "decision": "dispose", "reason": REASON, "confirm": "on"})
        self.assertEqual(response.status_code, 302)
        self.assertFalse(ConcernReport.objects.exists())
        self.assertFalse(ConcernChild.objects.exists())
        self.assertFalse(ConcernPlace.objects.exists())
        self.assertTrue(Child.objects.filter(pk=child.pk).exists())
        decision = RetentionDecision.objects.get()
        self.assertEqual(decision.disposed, {"concern report": 1, "concern child": 1,
                                             "concern place": 1})

    def test_the_linked_report_blocks_the_childs_disposal(self) -> None:
        report = self.closed_report(date(2025, 6, 1))  # recent: not due
        child = self.old_child()
        ConcernChild.objects.create(report=report, child=child, added_by=self.sam)
        self.login(self.sam)
        response = self.client.post(DECIDE, {
            "record_type": "child", "object_id": str(child.pk), "decision": "dispose",
            "reason": REASON, "confirm": "on"})
        self.assertContains(response, "1 business concern report linking it",
                            status_code=409)
        self.assertTrue(Child.objects.filter(pk=child.pk).exists())
