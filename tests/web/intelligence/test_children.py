"""The children around a subject through the pages: an NCMEC package imported by an
analyst refers the child at the address to the council's front door within the clock;
the assessment form; referring a child by hand; a child subject's decisions; timeliness."""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta

from django.test import override_settings

from safeguard.web.accounts.models import Role
from safeguard.web.audit.models import Action
from safeguard.web.intelligence.intake.ncmec_import import import_ncmec
from safeguard.web.intelligence.models import (
    Assessment,
    Channel,
    ChildAtRisk,
    ChildRole,
    ChildStatus,
    Subject,
    SubjectStatus,
)
from safeguard.web.intelligence.protection.timeliness import nearest_rank, timeliness
from safeguard.web.safeguarding.models import Child, Referral
from safeguard.web.safeguarding.models.tasks import Task

from .helpers import IntelTestCase
from .test_ncmec import CHILD_SUBJECT, PACKAGE

AUTHORITIES = [{"name": "Stoke-on-Trent City Council", "districts": ["E06000021"],
                "front_door": ["Stoke-on-Trent City Council (test)"]}]


def package_zip() -> io.BytesIO:
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as zf:
        for item in sorted(PACKAGE.iterdir()):
            zf.write(item, item.name)
    data.seek(0)
    data.name = "cybertip-900000101.zip"
    return data


@override_settings(SAFEGUARDING_OVERRIDES={"local_authorities": AUTHORITIES})
class PageImportTests(IntelTestCase):
    def test_the_package_through_the_page_refers_the_household_child(self) -> None:
        self.login(self.dora)
        response = self.client.post("/intelligence/referrals/import/",
                                    {"document": package_zip()})
        self.assertEqual(response.status_code, 200, response.content[:2000])
        self.assertContains(response, "referred to children&#x27;s social care")
        subject = Subject.objects.get()
        self.assertEqual(subject.band, "immediate")
        household = ChildAtRisk.objects.get(role=ChildRole.HOUSEHOLD)
        self.assertEqual(household.status, ChildStatus.REFERRED)
        self.assertLessEqual(household.referred_at, household.social_care_due_at)
        register = Child.objects.get()
        self.assertEqual((register.first_name, register.last_name, str(register.date_of_birth)),
                         ("Sam", "Example", "2016-07-14"))
        self.assertEqual(register.district.ons_code, "E06000021")
        referral = Referral.objects.get()
        self.assertEqual((referral.child, referral.rag), (register, "red"))
        self.assertEqual(household.social_care_referral, referral)
        task = Task.objects.get()
        self.assertEqual(task.assigned_agency, self.partner_agency)  # the front door
        recipient = ChildAtRisk.objects.get(role=ChildRole.RECIPIENT)
        self.assertEqual(recipient.status, ChildStatus.TO_IDENTIFY)
        self.assertAudited(Action.CREATE, referral)

    def test_a_command_line_import_leaves_the_referral_to_a_person(self) -> None:
        import_ncmec(self.actor(), PACKAGE, channel=Channel.FILE)
        child = ChildAtRisk.objects.get(role=ChildRole.HOUSEHOLD)
        self.assertEqual(child.status, ChildStatus.TO_REFER)
        self.assertFalse(Referral.objects.exists())
        self.login(self.dora)
        response = self.client.post(f"/intelligence/children/{child.pk}/refer/")
        self.assertEqual(response.status_code, 302)
        child.refresh_from_db()
        self.assertEqual(child.status, ChildStatus.REFERRED)
        self.assertEqual(Referral.objects.get().child.first_name, "Sam")

    def test_another_force_cannot_refer(self) -> None:
        import_ncmec(self.actor(), PACKAGE, channel=Channel.FILE)
        child = ChildAtRisk.objects.get(role=ChildRole.HOUSEHOLD)
        self.login(self.erin)
        response = self.client.post(f"/intelligence/children/{child.pk}/refer/")
        self.assertEqual(response.status_code, 404)
        self.login(self.bob)
        response = self.client.post(f"/intelligence/children/{child.pk}/refer/")
        self.assertEqual(response.status_code, 403)
        child.refresh_from_db()
        self.assertEqual(child.status, ChildStatus.TO_REFER)

    def test_the_assessment_form_adds_a_household_child_and_raises_the_band(self) -> None:
        tmp_report = (PACKAGE / "report.xml").read_text()
        # A report with no child named and no escalation: weeks, until the analyst finds
        # a child at the address and a job with children.
        for cut in ("<escalateToHighPriority>", "<victim>", "<intendedRecipient>"):
            start = tmp_report.index(cut)
            end = tmp_report.index(cut.replace("<", "</")) + len(cut) + 1
            tmp_report = tmp_report[:start] + tmp_report[end:]
        tmp_report = tmp_report.replace("<csamSolicitation>true", "<csamSolicitation>false")
        tmp_report = tmp_report.replace("<priorCTReports>900000001</priorCTReports>", "")
        import tempfile
        from pathlib import Path

        folder = Path(tempfile.mkdtemp(prefix="ncmec-"))
        (folder / "900000501.xml").write_text(tmp_report)
        result = import_ncmec(self.actor(), folder / "900000501.xml", channel=Channel.FILE)
        self.assertEqual(result.created, 1, result.errors)
        subject = Subject.objects.get()
        self.assertEqual(subject.band, "weeks")
        self.login(self.dora)
        self.justify(subject)
        response = self.client.post(f"/intelligence/subjects/{subject.pk}/assess/", {
            "occupation_access": "yes", "wider_access": "", "source": "PNC and local checks",
            "child_first_name": "Robin", "child_last_name": "Example",
            "child_date_of_birth": "2018-05-01"})
        self.assertEqual(response.status_code, 302)
        subject.refresh_from_db()
        self.assertEqual((subject.band, subject.household_children), ("days", 1))
        assessment = Assessment.objects.get()
        self.assertIsNotNone(assessment.assessed_at)
        answers = {a["key"]: a for a in assessment.answers}
        self.assertEqual(answers["occupation_access"]["answer"], True)
        self.assertIn("PNC and local checks", answers["occupation_access"]["source"])
        self.assertEqual(ChildAtRisk.objects.get().status, ChildStatus.REFERRED)


class ChildSubjectTests(IntelTestCase):
    def test_a_child_is_never_put_in_the_queue_by_a_decision(self) -> None:
        import_ncmec(self.actor(), CHILD_SUBJECT, channel=Channel.FILE)
        subject = Subject.objects.get()
        self.login(self.dora)
        self.justify(subject)
        response = self.client.post(f"/intelligence/subjects/{subject.pk}/decide/", {
            "kind": "develop", "reason": "Looking into the account further"})
        self.assertEqual(response.status_code, 302)
        subject.refresh_from_db()
        self.assertEqual(subject.status, SubjectStatus.SAFEGUARDING)
        response = self.client.get("/intelligence/")
        self.assertNotContains(response, subject.label)
        self.client.post(f"/intelligence/subjects/{subject.pk}/decide/", {
            "kind": "outcome_21", "reason": "Not in the public interest: a child of 15"})
        subject.refresh_from_db()
        self.assertEqual((subject.status, subject.outcome), (SubjectStatus.SAFEGUARDING, "21"))

    def test_outcome_21_is_for_a_child_only(self) -> None:
        import_ncmec(self.actor(), PACKAGE, channel=Channel.FILE)
        subject = Subject.objects.get()
        self.login(self.dora)
        self.justify(subject)
        response = self.client.post(f"/intelligence/subjects/{subject.pk}/decide/", {
            "kind": "outcome_21", "reason": "Not in the public interest"})
        self.assertEqual(response.status_code, 400)


class TimelinessTests(IntelTestCase):
    def test_nearest_rank(self) -> None:
        self.assertEqual(nearest_rank([5, 1, 3, 2, 4], 0.5), 3)
        self.assertEqual(nearest_rank(list(range(1, 11)), 0.9), 9)
        self.assertIsNone(nearest_rank([], 0.5))

    def test_figures_per_band_count_the_waiting(self) -> None:
        import_ncmec(self.actor(), PACKAGE, channel=Channel.FILE)
        assessment = Assessment.objects.get()
        assessment.assessed_at = assessment.received_at + timedelta(days=2)
        assessment.save()
        figures = timeliness(self.owner_agency.pk)
        row = figures.by_band[0]
        self.assertEqual(row.group, "Immediate")
        self.assertEqual((row.cells["assessed"].median, row.cells["assessed"].count), (2.0, 1))
        self.assertEqual(row.cells["actioned"].waiting, 1)
        self.assertEqual(row.cells["referred"].waiting, 1)  # the household child
        self.set_role(self.alice, Role.INVESTIGATOR)
        self.login(self.alice)
        response = self.client.get("/intelligence/timeliness/")
        self.assertContains(response, "2.0 / 2.0 (1)")
