"""A suspect's arrests and charges: recorded through the suspect's page by those who may
edit the suspect, checked, audited against the suspect, and listed on the page."""

from __future__ import annotations

from django.http.response import HttpResponseBase
from django.test import override_settings

from safeguard.web.audit.models import Action
from safeguard.web.investigations.models import Investigation, SuspectOutcome

from .helpers import CaseTestCase


# The dates below are fixed: so is the day the form checks them against ("not come yet").
@override_settings(CLOCK_NOW="2026-12-01T12:00:00+00:00")
class OutcomeTests(CaseTestCase):
    def setUp(self) -> None:
        self.suspect.investigations.add(self.investigation)
        self.url = f"/investigations/suspects/{self.suspect.pk}/outcomes/new/"

    def post(self, **fields: object) -> HttpResponseBase:
        data = {"investigation": self.investigation.pk, "arrested_on": "2026-11-03",
                "charged_on": "", "offence": "Making indecent images (test)",
                "outcome": "rui"}
        data.update({k: str(v) for k, v in fields.items()})
        return self.client.post(self.url, data)

    def test_an_editor_records_an_arrest_and_it_is_audited_and_listed(self) -> None:
        self.login(self.alice)
        self.justify(self.suspect)
        response = self.post()
        self.assertRedirects(response, f"/investigations/suspects/{self.suspect.pk}/",
                             fetch_redirect_response=False)
        outcome = SuspectOutcome.objects.get(suspect=self.suspect)
        self.assertEqual((str(outcome.arrested_on), outcome.charged_on, outcome.recorded_by),
                         ("2026-11-03", None, self.alice))
        self.assertAudited(Action.UPDATE, self.suspect, actor=self.alice, outcome=outcome.pk,
                           investigation=self.investigation.pk)
        page = self.client.get(f"/investigations/suspects/{self.suspect.pk}/")
        self.assertContains(page, "Making indecent images (test)")
        self.assertContains(page, "Released under investigation")

    def test_it_checks_the_dates_and_the_outcome(self) -> None:
        self.login(self.alice)
        self.justify(self.suspect)
        cases = [
            ({"arrested_on": ""}, "Give the day of the arrest, or of the charge."),
            ({"charged_on": "2026-11-01", "outcome": "charged"},
             "A charge after an arrest cannot come before it."),
            ({"charged_on": "2026-11-04"}, "A charge date goes with the outcome"),
            ({"outcome": "charged"}, "Give the day of the charge."),
            ({"arrested_on": "2099-01-01"}, "This day has not come yet."),
        ]
        for fields, message in cases:
            with self.subTest(fields=fields):
                self.assertContains(self.post(**fields), message)
        self.assertFalse(SuspectOutcome.objects.exists())
        # A charge without an arrest (a postal requisition) is a record of its own.
        self.post(arrested_on="", charged_on="2026-11-04", outcome="charged")
        self.assertEqual(SuspectOutcome.objects.get().arrested_on, None)

    def test_only_the_suspects_own_investigations_are_offered(self) -> None:
        other = Investigation.objects.create(owning_agency=self.owner_agency,
                                             reference="INV-9", title="Another",
                                             opened_on=self.investigation.opened_on)
        self.login(self.alice)
        self.justify(self.suspect)
        response = self.post(investigation=other.pk)
        self.assertContains(response, "Select a valid choice")
        self.assertFalse(SuspectOutcome.objects.exists())

    def test_the_form_asks_for_a_reason_first_and_records_the_look(self) -> None:
        self.login(self.alice)
        response = self.client.get(self.url)
        self.assertContains(response, 'id="justification"')
        self.justify(self.suspect)
        self.assertContains(self.client.get(self.url), "Record an arrest or charge")
        self.assertAudited(Action.VIEW, self.suspect, actor=self.alice,
                           page="arrest or charge form")

    def test_a_partner_with_a_share_reads_but_may_not_record(self) -> None:
        self.share_with(self.suspect)
        self.login(self.bob)
        self.assertEqual(self.post().status_code, 403)
        self.assertFalse(SuspectOutcome.objects.exists())
        self.login(self.charlie)
        self.assertEqual(self.post().status_code, 404)
