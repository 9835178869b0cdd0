"""Child abduction warning notices: the basis derived and checked, police only, reviews,
status, breaches."""

from __future__ import annotations

from datetime import date

from django.test import override_settings

from safeguard.web.accounts.models import AgencyKind
from safeguard.web.audit.models import Action
from safeguard.web.safeguarding.models import LegalStatus, NoticeBreach, WarningNotice

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
        self.assertContains(detail, "1 December 2025 <span class=\"flag\">overdue</span>")
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
