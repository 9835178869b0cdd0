"""Child abduction warning notices: the basis derived and checked, police only, reviews,
status, breaches."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.test import override_settings

from safeguard.web.accounts.models import AgencyKind
from safeguard.web.audit.models import Action
from safeguard.web.safeguarding.models import (
    Child,
    LegalStatus,
    LegalStatusChange,
    LinkedPerson,
    NoticeBreach,
    NoticeChild,
    Relationship,
    WarningNotice,
)
from safeguard.web.safeguarding.rules import NoticeBasis
from safeguard.web.statistics.figures import compute
from safeguard.web.statistics.periods import Period

from .base import NOW, RegisterTestCase, make_child


@override_settings(SAFEGUARDING_NOW=NOW)
class NoticeTests(RegisterTestCase):
    def serve(self, *children: object, served_at: str = "2026-03-02T11:00") -> object:
        return self.client.post("/safeguarding/notices/new/", {
            "adult": self.adult.pk, "served_at": served_at, "served_by_name": "PC Test 1234",
            "children": [c.pk for c in children],  # type: ignore[attr-defined]
        })

    def test_the_basis_is_derived_for_each_child(self) -> None:
        young = make_child(self.owner_agency, first_name="Young", date_of_birth=date(2011, 6, 1))
        in_care = make_child(self.owner_agency, first_name="Cared",
                             date_of_birth=date(2009, 5, 1), legal_status=LegalStatus.CARE_ORDER)
        self.login(self.alice)
        response = self.serve(young, in_care)
        notice = WarningNotice.objects.latest("pk")
        self.assertRedirects(response, f"/safeguarding/notices/{notice.pk}/",
                             fetch_redirect_response=False)
        bases = {link.child_id: (link.basis, link.age_when_served) for link in notice.links.all()}
        self.assertEqual(bases, {young.pk: ("caa1984_s2", 14), in_care.pk: ("ca1989_s49", 16)})
        self.assertEqual(notice.review_due, date(2026, 9, 2))  # six months
        self.assertEqual(notice.served_by, self.alice)
        self.assertAudited(Action.CREATE, notice, actor=self.alice,
                           children={str(young.pk): "caa1984_s2", str(in_care.pk): "ca1989_s49"})

    def test_it_refuses_a_16_year_old_not_in_care(self) -> None:
        older = make_child(self.owner_agency, first_name="Sixteen",
                           date_of_birth=date(2009, 5, 1), legal_status=LegalStatus.ACCOMMODATED)
        self.login(self.alice)
        response = self.serve(older)
        self.assertContains(
            response, '<a href="#id_children">Children</a>: Sixteen Testchild is 16 and not in '
            "care on the date served", status_code=400)
        self.assertContains(response, "Children Act 1989 s49", status_code=400)
        self.assertFalse(WarningNotice.objects.exclude(pk=self.notice.pk).exists())

    def test_it_refuses_an_adult_of_18(self) -> None:
        adult_age = make_child(self.owner_agency, first_name="Grown",
                               date_of_birth=date(2008, 2, 29),
                               legal_status=LegalStatus.CARE_ORDER)
        self.login(self.alice)
        # 29 Feb 2008: still 17 on 28 February 2026, 18 from 1 March.
        self.assertEqual(self.serve(adult_age, served_at="2026-02-28T12:00").status_code, 302)
        response = self.serve(adult_age, served_at="2026-03-01T12:00")
        self.assertContains(response, "Grown Testchild is 18 on the date served",
                            status_code=400)

    def test_the_basis_uses_the_age_on_the_date_served(self) -> None:
        turning = make_child(self.owner_agency, first_name="Turning",
                             date_of_birth=date(2010, 3, 2))  # 16 on 2 March 2026
        self.login(self.alice)
        self.assertEqual(self.serve(turning, served_at="2026-03-01T12:00").status_code, 302)
        self.assertEqual(self.serve(turning, served_at="2026-03-02T12:00").status_code, 400)

    def test_a_notice_is_not_recorded_before_it_is_served(self) -> None:
        self.login(self.alice)
        response = self.serve(self.child, served_at="2026-03-10T12:00")
        self.assertContains(response, "in the future", status_code=400)

    def test_only_police_serve_notices(self) -> None:
        self.share_with(self.child)
        self.login(self.bob)
        self.assertEqual(self.serve(self.child).status_code, 403)
        self.assertAudited(Action.ACCESS_DENIED, None, actor=self.bob,
                           reason="only police serve warning notices")
        self.assertEqual(self.partner_agency.kind, AgencyKind.CHILDRENS_SOCIAL_CARE)

    def test_reviews_withdrawal_and_breaches(self) -> None:
        self.login(self.alice)
        self.justify(self.notice)
        detail = self.client.get(f"/safeguarding/notices/{self.notice.pk}/")
        self.assertContains(detail, "1 Dec 2025 <span class=\"flag\">overdue</span>")
        self.assertContains(detail, "Child Abduction Act 1984 s2")
        url = f"/safeguarding/notices/{self.notice.pk}/status/"
        self.client.post(url, {"action": "review", "reason": "Reviewed at the March panel."})
        self.notice.refresh_from_db()
        self.assertEqual(self.notice.review_due, date(2026, 9, 3))
        event = self.assertAudited(Action.UPDATE, self.notice, reviewed=True)
        self.assertEqual(event.justification, "Reviewed at the March panel.")
        self.client.post(f"/safeguarding/notices/{self.notice.pk}/breaches/new/", {
            "occurred_at": "2026-03-01T23:00", "child": self.child.pk,
            "details": "Seen together in a car.", "action_taken": "Arrested."})
        self.assertEqual(NoticeBreach.objects.get().child, self.child)
        response = self.client.post(f"/safeguarding/notices/{self.notice.pk}/breaches/new/", {
            "occurred_at": "2025-01-01T23:00", "details": "Before."})
        self.assertContains(response, "after the notice was served", status_code=400)
        self.client.post(url, {"action": "withdrawn", "reason": "The family moved away."})
        self.notice.refresh_from_db()
        self.assertEqual((self.notice.status, self.notice.status_changed_on),
                         ("withdrawn", date(2026, 3, 3)))
        self.assertFalse(self.notice.review_overdue())

    @override_settings(SAFEGUARDING_OVERRIDES={"notice_review_months": 3})
    def test_the_review_interval_is_a_setting(self) -> None:
        self.login(self.alice)
        self.serve(self.child)
        self.assertEqual(WarningNotice.objects.latest("pk").review_due, date(2026, 6, 2))

    def test_the_protection_ends_when_the_last_child_reaches_the_limit(self) -> None:
        self.assertEqual(self.notice.protection_ends(), date(2027, 6, 1))  # Ava turns 16


@override_settings(SAFEGUARDING_NOW=NOW)
class NoticeLawTests(RegisterTestCase):
    """The basis on the date served (legal-status history), CAA 1984 s2(2) connected
    persons, and the lapse at the age limit or on leaving care."""

    def serve(self, *children: Child, served_at: str = "2026-03-02T11:00") -> Any:
        return self.client.post("/safeguarding/notices/new/", {
            "adult": self.adult.pk, "served_at": served_at, "served_by_name": "PC Test 1234",
            "children": [c.pk for c in children]})

    def sixteen_in_care_from(self, since: date, history_from: date | None = None) -> Child:
        child = make_child(self.owner_agency, first_name="Sixteen", history=False,
                           date_of_birth=date(2009, 5, 1), legal_status=LegalStatus.CARE_ORDER)
        if history_from is not None:
            LegalStatusChange.objects.create(child=child, status=LegalStatus.ACCOMMODATED,
                                             since=history_from)
        LegalStatusChange.objects.create(child=child, status=LegalStatus.CARE_ORDER, since=since)
        return child

    def test_a_notice_served_before_and_after_a_care_order(self) -> None:
        child = self.sixteen_in_care_from(date(2026, 2, 1), history_from=date(2020, 1, 1))
        self.login(self.alice)
        response = self.serve(child, served_at="2026-01-31T12:00")
        self.assertContains(response, "is 16 and not in care on the date served",
                            status_code=400)
        self.assertEqual(self.serve(child, served_at="2026-02-01T12:00").status_code, 302)
        link = NoticeChild.objects.get(child=child)
        self.assertEqual(link.basis, NoticeBasis.CHILDREN_ACT_S49)
        self.assertEqual(link.protection_ends, date(2027, 5, 1))  # 18

    def test_a_status_the_history_does_not_reach_is_asked_for(self) -> None:
        child = self.sixteen_in_care_from(date(2026, 2, 1))
        self.login(self.alice)
        response = self.serve(child, served_at="2026-01-15T12:00")
        self.assertContains(response, "record the legal status from that date",
                            status_code=400)
        # Entered late, the earlier status decides.
        self.client.post(f"/safeguarding/children/{child.pk}/legal-status/new/", {
            "status": LegalStatus.CARE_ORDER, "since": "2025-11-01",
            "note": "Interim care order"})
        self.assertEqual(self.serve(child, served_at="2026-01-15T12:00").status_code, 302)
        child.refresh_from_db()
        self.assertEqual(child.legal_status, LegalStatus.CARE_ORDER)  # the latest stays

    def test_a_parent_cannot_be_served_a_s2_notice(self) -> None:
        at_home = make_child(self.owner_agency, first_name="Home")  # 14, child in need
        LinkedPerson.objects.create(child=at_home, relationship=Relationship.PARENT,
                                    adult=self.adult, name=str(self.adult))
        in_care = make_child(self.owner_agency, first_name="Cared",
                             legal_status=LegalStatus.CARE_ORDER)
        LinkedPerson.objects.create(child=in_care, relationship=Relationship.GUARDIAN,
                                    adult=self.adult, name=str(self.adult))
        self.login(self.alice)
        response = self.serve(at_home)
        self.assertContains(response, "Home Testchild is linked to the adult as parent",
                            status_code=400)
        self.assertContains(response, "(s2(2))", status_code=400)
        self.assertEqual(self.serve(in_care).status_code, 302)
        self.assertEqual(NoticeChild.objects.get(child=in_care).basis,
                         NoticeBasis.CHILDREN_ACT_S49)

    def test_a_s49_notice_lapses_when_the_child_leaves_care(self) -> None:
        child = self.sixteen_in_care_from(date(2025, 1, 1))
        self.login(self.alice)
        self.serve(child, served_at="2026-02-01T12:00")
        notice = WarningNotice.objects.latest("pk")
        self.assertNotIn(notice.adult.first_name, self.lapsed_list())
        self.client.post(f"/safeguarding/children/{child.pk}/legal-status/new/", {
            "status": LegalStatus.NONE, "since": "2026-03-01", "note": "Care order discharged"})
        link = NoticeChild.objects.get(notice=notice)
        self.assertEqual((link.protection_ends, link.lapse_reason), (date(2026, 3, 1),
                                                                    "left care"))
        self.assertTrue(notice.lapsed_for_all())
        self.assertIn(f"The notice on {notice.adult} protects no child now",
                      self.lapsed_list())
        end_feb, end_mar = (compute(Period(date(2026, 2, 1), date(2026, 2, 28))),
                            compute(Period(date(2026, 3, 1), date(2026, 3, 31))))
        self.assertEqual(end_feb["notices_active"].total - end_mar["notices_active"].total, 1)

    def test_a_s2_notice_stops_protecting_at_16(self) -> None:
        link = NoticeChild.objects.get(notice=self.notice)
        self.assertEqual((link.protection_ends, link.lapse_reason), (date(2027, 6, 1),
                                                                    "reaches 16"))
        self.assertTrue(link.protects(date(2027, 5, 31)))
        self.assertFalse(link.protects(date(2027, 6, 1)))

    def lapsed_list(self) -> str:
        page = self.client.get("/safeguarding/work/overdue/").content.decode()
        start = page.index("Warning notices protecting no child")
        return page[start:page.find("</section>", start)]
