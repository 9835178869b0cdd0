"""The clocks of a harm concern: the FGM reporting duty (FGM Act 2003 s5B) and its
deadlines, protection orders near their expiry, the NRM decisions."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.test import override_settings

from safeguard.web.safeguarding.models import (
    Child,
    Concern,
    ConcernStatus,
    Decision,
    FgmDetail,
    ForcedMarriageDetail,
    HarmKind,
    TraffickingDetail,
)

from .base import NOW, RegisterTestCase, make_child

FGM = "FGM reports to police"
ORDERS = "Protection orders expiring or expired"
RG = "NRM reasonable grounds decisions awaited past 5 working days"
CG = "NRM conclusive grounds awaited"


class ClockTestCase(RegisterTestCase):
    def make_concern(self, kind: str, identified: date, child: Child | None = None,
                status: str = ConcernStatus.OPEN) -> Concern:
        return Concern.objects.create(
            owning_agency=self.owner_agency, child=child or self.child, kind=kind,
            identified_on=identified, status=status, summary="Synthetic.",
            closed_on=identified if status == ConcernStatus.CLOSED else None)

    def listed(self, heading: str) -> list[str]:
        """The concern pages linked under `heading` in the user's overdue list."""
        response = self.client.get("/safeguarding/work/overdue/")
        return [row.url for row in response.context["items"][heading]]

    def page(self, concern: Concern) -> str:
        self.justify(concern.child)
        return self.client.get(f"/safeguarding/concerns/{concern.pk}/").content.decode()


@override_settings(SAFEGUARDING_NOW="2026-04-20T10:00:00+01:00")
class FgmDutyTests(ClockTestCase):
    def fgm(self, identified: date = date(2026, 4, 2), child: Child | None = None,
            **fields: Any) -> Concern:
        concern = self.make_concern(HarmKind.FGM, identified, child)
        values = {"case_type": "known", "how_known": "disclosed", "reporter_name": "Dr Test",
                  "reporter_profession": "health", **fields}
        FgmDetail.objects.create(concern=concern, **values)
        return concern

    def url(self, concern: Concern) -> str:
        return f"/safeguarding/concerns/{concern.pk}/"

    def test_the_duty_is_for_a_girl_under_18_on_the_day_it_became_known(self) -> None:
        # She turns 18 on Friday 3 April 2026.
        girl = make_child(self.owner_agency, first_name="Cara", date_of_birth=date(2008, 4, 3))
        at_17 = self.fgm(date(2026, 4, 2), girl)
        at_18 = self.fgm(date(2026, 4, 3), girl)
        self.login(self.alice)
        page = self.page(at_17)
        self.assertIn("The duty applies (a known case; she was 17 when it became known)", page)
        self.assertIn("personal duty of Dr Test (regulated health professional)", page)
        page = self.page(at_18)
        self.assertIn("does not apply: she was 18 when it became known", page)
        self.assertNotIn('id="fgm-deadline"', page)
        self.assertIn(self.url(at_17), self.listed(FGM))
        self.assertNotIn(self.url(at_18), self.listed(FGM))

    def test_at_risk_and_suspected_cases_are_not_reported_under_the_duty(self) -> None:
        at_risk = self.fgm(case_type="at_risk")
        suspected = self.fgm(case_type="suspected", how_known="", reporter_profession="")
        self.login(self.alice)
        self.assertIn("the duty covers known cases only", self.page(at_risk))
        self.assertIn("the duty covers known cases only", self.page(suspected))
        listed = self.listed(FGM)
        self.assertNotIn(self.url(at_risk), listed)
        self.assertNotIn(self.url(suspected), listed)

    def test_told_by_a_parent_is_not_the_duty_a_teacher_who_saw_the_signs_is(self) -> None:
        parent = self.fgm(how_known="other", reporter_profession="teacher")
        teacher = self.fgm(how_known="observed", reporter_name="Ms Test",
                           reporter_profession="teacher")
        other_job = self.fgm(reporter_profession="other")
        self.login(self.alice)
        self.assertIn("not when someone else reports it", self.page(parent))
        self.assertIn("personal duty of Ms Test (teacher)", self.page(teacher))
        self.assertIn("the duty is a regulated health or social care professional&#x27;s",
                      self.page(other_job))
        self.assertEqual(
            [u for u in self.listed(FGM) if u in {self.url(c) for c in (parent, teacher,
                                                                        other_job)}],
            [self.url(teacher)])

    def test_the_next_working_day_across_the_easter_weekend(self) -> None:
        # Thursday 2 April 2026; Good Friday 3 April and Easter Monday 6 April are bank
        # holidays: report by the end of Tuesday 7 April.
        concern = self.fgm(date(2026, 4, 2))
        self.login(self.alice)
        with override_settings(SAFEGUARDING_NOW="2026-04-07T22:59:00+00:00"):  # 23:59 BST
            page = self.page(concern)
            self.assertIn("Report to police by the end of Tuesday 7 Apr 2026", page)
            self.assertNotIn("Report overdue", page)
            self.assertNotIn(self.url(concern), self.listed(FGM))
        with override_settings(SAFEGUARDING_NOW="2026-04-07T23:00:00+00:00"):  # 00:00 BST
            self.assertIn("Report overdue", self.page(concern))
            self.assertIn(self.url(concern), self.listed(FGM))

    def test_a_record_without_how_it_became_known_is_still_listed(self) -> None:
        legacy = self.fgm(how_known="", reporter_name="", reporter_profession="")
        self.login(self.alice)
        self.assertIn("Whether the mandatory reporting duty applies is not yet recorded",
                      self.page(legacy))
        rows = self.client.get("/safeguarding/work/overdue/").context["items"][FGM]
        self.assertIn("record how it became known and by whom",
                      next(r.what for r in rows if r.url == self.url(legacy)))

    def post(self, child: Child, **detail: str) -> Any:
        data = {"status": "open", "identified_on": "2026-04-02", "summary": "Worry.",
                "detail-protection_order": "none",
                **{f"detail-{k}": v for k, v in detail.items()}}
        return self.client.post(f"/safeguarding/children/{child.pk}/concerns/new/fgm/", data)

    def test_the_form_asks_what_the_duty_turns_on(self) -> None:
        self.login(self.alice)
        response = self.post(self.child, case_type="known")
        page = response.content.decode()
        self.assertEqual(response.status_code, 400)
        self.assertIn("Say how it became known", page)
        self.assertIn("the duty to report is personal", page)
        self.assertIn("Give their profession", page)
        self.assertEqual(self.post(self.child, case_type="at_risk").status_code, 302)

    def test_a_known_case_on_a_boy_asks_to_check_the_record(self) -> None:
        boy = make_child(self.owner_agency, first_name="Dan", gender="male")
        self.login(self.alice)
        response = self.post(boy, case_type="known", how_known="disclosed",
                             reporter_name="Dr Test", reporter_profession="health")
        self.assertContains(response, "Dan Testchild is recorded as male", status_code=400)
        self.assertContains(response, "Check the child&#x27;s record", status_code=400)


@override_settings(SAFEGUARDING_NOW=NOW)
class ProtectionOrderTests(ClockTestCase):
    def order(self, model: Any = ForcedMarriageDetail, expires: date = date(2026, 3, 31),
              status: str = ConcernStatus.OPEN) -> Concern:
        kind = HarmKind.FGM if model is FgmDetail else HarmKind.FORCED_MARRIAGE
        concern = self.make_concern(kind, date(2026, 1, 5), status=status)
        extra = {"case_type": "at_risk"} if model is FgmDetail else {}
        model.objects.create(concern=concern, protection_order="granted",
                             order_applied_on=date(2026, 1, 6),
                             order_granted_on=date(2026, 1, 8), order_expires_on=expires,
                             **extra)
        return concern

    def test_it_warns_from_28_days_before_the_expiry(self) -> None:
        # Tuesday 3 March 2026 is 28 days before Tuesday 31 March.
        fmpo = self.order()
        fgmpo = self.order(FgmDetail, date(2026, 4, 1))
        self.login(self.alice)
        urls = self.listed(ORDERS)
        self.assertIn(f"/safeguarding/concerns/{fmpo.pk}/", urls)
        self.assertNotIn(f"/safeguarding/concerns/{fgmpo.pk}/", urls)  # 29 days ahead
        page = self.page(fmpo)
        self.assertIn("The protection order expires on Tuesday 31 Mar 2026", page)
        self.assertIn('id="order-expiring">28 days left', page)
        self.assertNotIn('id="order-expiring"', self.page(fgmpo))
        with override_settings(SAFEGUARDING_NOW="2026-03-04T10:00:00+00:00"):
            self.assertIn(f"/safeguarding/concerns/{fgmpo.pk}/", self.listed(ORDERS))
        with override_settings(SAFEGUARDING_OVERRIDES={"order_expiry_warning_days": 27}):
            self.assertNotIn(f"/safeguarding/concerns/{fmpo.pk}/", self.listed(ORDERS))

    def test_an_expired_order_stays_listed_while_the_concern_is_open(self) -> None:
        open_ = self.order()
        closed = self.order(status=ConcernStatus.CLOSED)
        self.login(self.alice)
        with override_settings(SAFEGUARDING_NOW="2026-03-31T12:00:00+01:00"):
            self.assertNotIn('id="order-expired"', self.page(open_))  # its last day
        with override_settings(SAFEGUARDING_NOW="2026-04-01T09:00:00+01:00"):
            self.assertIn('id="order-expired"', self.page(open_))
            rows = self.client.get("/safeguarding/work/overdue/").context["items"][ORDERS]
            self.assertEqual([r.url for r in rows], [f"/safeguarding/concerns/{open_.pk}/"])
            self.assertIn("Forced marriage protection order expired", rows[0].what)
        self.assertNotIn(f"/safeguarding/concerns/{closed.pk}/", self.listed(ORDERS))

    def test_the_expiry_follows_the_grant(self) -> None:
        self.login(self.alice)
        url = f"/safeguarding/children/{self.child.pk}/concerns/new/forced_marriage/"
        data = {"status": "open", "identified_on": "2026-03-02", "summary": "Worry.",
                "detail-protection_order": "granted", "detail-order_applied_on": "2026-03-01",
                "detail-order_granted_on": "2026-03-02", "detail-order_expires_on": "2026-03-01"}
        self.assertContains(self.client.post(url, data), "It expires before it was granted",
                            status_code=400)
        data.update({"detail-protection_order": "applied", "detail-order_granted_on": ""})
        self.assertContains(self.client.post(url, data), "Only a granted order expires",
                            status_code=400)
        data.update({"detail-protection_order": "granted", "detail-order_granted_on":
                     "2026-03-02", "detail-order_expires_on": "2026-03-02"})
        self.assertEqual(self.client.post(url, data).status_code, 302)  # a one-day order


@override_settings(SAFEGUARDING_NOW=NOW)
class NrmTests(ClockTestCase):
    def nrm_referral(self, referred: date, **fields: Any) -> Concern:
        concern = self.make_concern(HarmKind.TRAFFICKING, referred)
        TraffickingDetail.objects.create(concern=concern, exploitation="criminal",
                                         nrm_referred_on=referred, **fields)
        return concern

    def test_the_reasonable_grounds_decision_within_5_working_days(self) -> None:
        # Thursday 2 April 2026: Good Friday and Easter Monday do not count; the fifth
        # working day is Monday 13 April.
        concern = self.nrm_referral(date(2026, 4, 2))
        url = f"/safeguarding/concerns/{concern.pk}/"
        self.login(self.alice)
        with override_settings(SAFEGUARDING_NOW="2026-04-13T18:00:00+01:00"):
            page = self.page(concern)
            self.assertIn("Reasonable grounds decision due by Monday 13 Apr 2026", page)
            self.assertNotIn('id="nrm-rg-overdue"', page)
            self.assertNotIn(url, self.listed(RG))
        with override_settings(SAFEGUARDING_NOW="2026-04-14T09:00:00+01:00"):
            self.assertIn('id="nrm-rg-overdue"', self.page(concern))
            self.assertIn(url, self.listed(RG))
            TraffickingDetail.objects.filter(concern=concern).update(
                reasonable_grounds=Decision.NEGATIVE, reasonable_grounds_on=date(2026, 4, 14))
            self.assertNotIn(url, self.listed(RG))

    def test_conclusive_grounds_awaited_not_before_the_earliest_date(self) -> None:
        # A positive reasonable grounds decision on 1 February: no conclusive decision
        # before Tuesday 3 March (30 days), today.
        concern = self.nrm_referral(date(2026, 1, 28), reasonable_grounds=Decision.POSITIVE,
                                reasonable_grounds_on=date(2026, 2, 1))
        url = f"/safeguarding/concerns/{concern.pk}/"
        self.login(self.alice)
        page = self.page(concern)
        self.assertIn("Conclusive grounds awaited 30 days", page)
        self.assertIn("not before Tuesday 3 Mar 2026", page)
        self.assertNotIn('id="nrm-cg-past"', page)
        self.assertNotIn(url, self.listed(CG))
        with override_settings(SAFEGUARDING_NOW="2026-03-04T09:00:00+00:00"):
            self.assertIn('id="nrm-cg-past"', self.page(concern))
            rows = self.client.get("/safeguarding/work/overdue/").context["items"][CG]
            self.assertEqual([r.url for r in rows], [url])
            self.assertIn("Conclusive grounds awaited 31 days", rows[0].what)
