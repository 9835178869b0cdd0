"""Opening a sensitive record asks why first, and records the reason (DPA 2018 s62)."""

from __future__ import annotations

from django.http import HttpResponse
from django.test import override_settings
from django.utils import timezone

from safeguard.web.audit.events import JUSTIFIED_SESSION_KEY
from safeguard.web.audit.models import Action

from .base import WebTestCase
from .records.models import CaseNote

REASON = "Section 47 enquiry, strategy discussion today"


class JustificationTests(WebTestCase):
    def setUp(self) -> None:
        self.note = CaseNote.objects.create(owning_agency=self.owner_agency, title="Child A")
        self.share_with(self.note)
        self.url = f"/records/{self.note.pk}/"

    def justify_note(self, reason: str = REASON) -> HttpResponse:
        return self.justify_through_form(self.url, reason)

    def test_it_asks_before_showing_the_record(self) -> None:
        self.login(self.alice)
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Why are you opening this record?")
        self.assertNotContains(response, "note: Child A")
        self.assertNotAudited(Action.VIEW, self.note)

    def test_it_records_the_reason_and_opens_the_record(self) -> None:
        self.login(self.alice)
        response = self.justify_note()
        self.assertRedirects(response, self.url, fetch_redirect_response=False)
        self.assertAudited(Action.JUSTIFY, self.note, actor=self.alice)
        self.assertEqual(self.audit_events(Action.JUSTIFY).get().justification, REASON)
        opened = self.client.get(self.url)
        self.assertContains(opened, "note: Child A")
        view = self.assertAudited(Action.VIEW, self.note, actor=self.alice)
        self.assertEqual(view.justification, REASON)

    def test_one_reason_covers_later_looks_in_the_window(self) -> None:
        self.login(self.alice)
        self.justify_note()
        self.client.get(self.url)
        self.client.get(self.url)
        views = self.audit_events(Action.VIEW, self.note)
        self.assertEqual([v.justification for v in views], [REASON, REASON])
        self.assertEqual(self.audit_events(Action.JUSTIFY).count(), 1)

    @override_settings(JUSTIFICATION_WINDOW=timezone.timedelta(minutes=30))
    def test_it_asks_again_after_the_window(self) -> None:
        self.login(self.alice)
        self.justify_note()
        session = self.client.session
        entry = session[JUSTIFIED_SESSION_KEY][f"records.casenote:{self.note.pk}"]
        entry["at"] = (timezone.now() - timezone.timedelta(minutes=31)).isoformat()
        session.save()
        self.assertContains(self.client.get(self.url), 'id="justification"')

    def test_a_reason_is_per_record(self) -> None:
        other = CaseNote.objects.create(owning_agency=self.owner_agency, title="Child B")
        self.login(self.alice)
        self.justify_note()
        self.assertContains(self.client.get(f"/records/{other.pk}/"), 'id="justification"')

    def test_a_short_reason_is_refused(self) -> None:
        self.login(self.alice)
        response = self.justify_note("because")
        self.assertEqual(response.status_code, 400)
        self.assertNotAudited(Action.JUSTIFY)

    def test_a_partner_gives_a_reason_too(self) -> None:
        self.login(self.bob)
        self.justify_note()
        self.assertContains(self.client.get(self.url), "note: Child A")
        self.assertAudited(Action.VIEW, self.note, actor=self.bob)

    def test_an_outsider_cannot_justify_their_way_in(self) -> None:
        self.login(self.alice)
        target = self.client.get(self.url).context["form"].initial["target"]
        self.login(self.charlie)
        response = self.client.post("/audit/justify/", {
            "target": target, "next": self.url, "justification": REASON})
        self.assertEqual(response.status_code, 404)
        self.assertAudited(Action.ACCESS_DENIED, self.note, actor=self.charlie)
        self.assertNotAudited(Action.JUSTIFY)

    def test_a_forged_target_is_refused(self) -> None:
        self.login(self.alice)
        response = self.client.post("/audit/justify/", {
            "target": f'["records.casenote","{self.note.pk}"]', "next": self.url,
            "justification": REASON})
        self.assertEqual(response.status_code, 404)

    def test_it_does_not_redirect_off_site(self) -> None:
        self.login(self.alice)
        form = self.client.get(self.url)
        response = self.client.post("/audit/justify/", {
            "target": form.context["form"].initial["target"],
            "next": "https://evil.example/", "justification": REASON})
        self.assertRedirects(response, "/", fetch_redirect_response=False)
