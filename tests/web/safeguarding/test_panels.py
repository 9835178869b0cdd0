"""Panels: attendees by agency, children and adults discussed, actions and their owners."""

from __future__ import annotations

from django.test import override_settings

from safeguard.web.audit.models import Action
from safeguard.web.safeguarding.models import PanelAction, PanelAttendee, PanelDiscussion
from safeguard.web.safeguarding.models.panels import (
    DisruptionKind,
    DisruptionOutcome,
    DisruptionStep,
)

from .base import NOW, RegisterTestCase, make_child


@override_settings(SAFEGUARDING_NOW=NOW)
class PanelTests(RegisterTestCase):
    def test_the_owner_records_the_meeting(self) -> None:
        self.login(self.alice)
        base = f"/safeguarding/panels/{self.panel.pk}"
        self.client.post(f"{base}/attendees/new/", {"agency": self.partner_agency.pk,
                                                    "name": "Sam Council", "role": "Team lead"})
        # bob's agency attends now, so bob may own an action
        response = self.client.post(f"{base}/discussions/new/", {
            "child": self.child.pk, "summary": "Two episodes.", "decision": "Disruption plan."})
        self.assertContains(response, "Give the date the panel reviews its decision",
                            status_code=400)
        self.client.post(f"{base}/discussions/new/", {"child": self.child.pk,
                                                      "summary": "Two episodes.",
                                                      "decision": "Disruption plan.",
                                                      "review_on": "2026-04-07"})
        response = self.client.post(f"{base}/discussions/new/", {"summary": "x",
                                                                 "decision": "y"})
        self.assertContains(response, "Choose the child or the adult discussed",
                            status_code=400)
        self.client.post(f"{base}/actions/new/", {"description": "Speak to the school",
                                                  "owner": self.bob.pk, "due_on": "2026-03-20"})
        action = PanelAction.objects.latest("pk")
        self.assertEqual(action.owner_agency, self.partner_agency)
        self.assertEqual(PanelAttendee.objects.get().agency, self.partner_agency)
        self.assertEqual(PanelDiscussion.objects.get().child, self.child)
        self.assertEqual(str(PanelDiscussion.objects.get().review_on), "2026-04-07")
        self.assertAudited(Action.UPDATE, self.panel, panel_action=action.pk)

    def test_owners_are_offered_from_the_panels_agencies_only(self) -> None:
        self.login(self.alice)
        url = f"/safeguarding/panels/{self.panel.pk}/actions/new/"
        self.justify(self.panel)
        page = self.client.get(url)
        owners = {u.username for u in page.context["forms"][0].fields["owner"].queryset}
        self.assertIn("alice", owners)  # the panel's own agency
        self.assertNotIn("bob", owners)  # the council is not at this panel
        self.assertNotIn("charlie", owners)
        PanelAttendee.objects.create(meeting=self.panel, agency=self.partner_agency,
                                     name="Sam Council")
        page = self.client.get(url)
        owners = {u.username for u in page.context["forms"][0].fields["owner"].queryset}
        self.assertIn("bob", owners)
        self.assertNotIn("charlie", owners)
        # A forged choice of someone else is refused.
        response = self.client.post(url, {"description": "x", "owner": self.charlie.pk,
                                          "due_on": "2026-03-20"})
        self.assertEqual(response.status_code, 400)

    def test_overdue_actions_and_the_owners_caseload(self) -> None:
        self.share_with(self.panel)
        self.login(self.bob)
        self.assertContains(self.client.get("/safeguarding/work/overdue/"), "Visit the school")
        caseload = self.client.get("/safeguarding/work/caseload/")
        self.assertContains(caseload, "Visit the school")
        # The owner marks it done, though the panel is not theirs to change.
        response = self.client.post(f"/safeguarding/panel-actions/{self.action.pk}/done/")
        self.assertEqual(response.status_code, 302)
        self.action.refresh_from_db()
        self.assertIsNotNone(self.action.completed_on)
        self.assertAudited(Action.UPDATE, self.panel, actor=self.bob, completed=True)
        self.assertNotContains(self.client.get("/safeguarding/work/overdue/"),
                               "Visit the school")

    def test_only_the_owner_or_the_panels_agency_marks_an_action_done(self) -> None:
        self.action.owner = self.alice
        self.action.save()
        self.share_with(self.panel)
        self.login(self.bob)
        self.assertEqual(self.client.post(
            f"/safeguarding/panel-actions/{self.action.pk}/done/").status_code, 403)
        self.login(self.charlie)
        self.assertEqual(self.client.post(
            f"/safeguarding/panel-actions/{self.action.pk}/done/").status_code, 404)
        self.assertEqual(self.client.post("/safeguarding/panel-actions/99999/done/").status_code,
                         404)
        self.action.refresh_from_db()
        self.assertIsNone(self.action.completed_on)

    def test_a_partner_sees_discussions_of_its_children_only(self) -> None:
        PanelDiscussion.objects.create(meeting=self.panel, child=self.child,
                                       summary="SECRET-SUMMARY", decision="SECRET-DECISION")
        self.share_with(self.panel)
        self.login(self.bob)
        self.justify(self.panel)
        page = self.client.get(f"/safeguarding/panels/{self.panel.pk}/")
        self.assertContains(page, "A child not shared with your agency")
        self.assertNotContains(page, "SECRET-SUMMARY")
        self.assertNotContains(page, "Ava Testchild")
        self.share_with(self.child)
        page = self.client.get(f"/safeguarding/panels/{self.panel.pk}/")
        self.assertContains(page, "SECRET-SUMMARY")


@override_settings(SAFEGUARDING_NOW=NOW)
class PanelLinksAndDisruptionTests(RegisterTestCase):
    def test_an_action_about_a_child_and_a_place(self) -> None:
        self.login(self.alice)
        self.client.post(f"/safeguarding/panels/{self.panel.pk}/actions/new/", {
            "description": "Visit the takeaway", "owner": self.alice.pk,
            "due_on": "2026-03-20", "child": self.child.pk, "place": "Kebab House"})
        action = PanelAction.objects.latest("pk")
        self.assertEqual((action.child, action.place), (self.child, "Kebab House"))
        self.justify(self.panel)
        page = self.client.get(f"/safeguarding/panels/{self.panel.pk}/")
        self.assertContains(page, "Kebab House")

    def test_an_action_about_a_child_not_visible_is_refused(self) -> None:
        other = make_child(self.outsider_agency, first_name="Hidden")
        self.login(self.alice)
        response = self.client.post(f"/safeguarding/panels/{self.panel.pk}/actions/new/", {
            "description": "x", "owner": self.alice.pk, "due_on": "2026-03-20",
            "child": other.pk})
        self.assertEqual(response.status_code, 400)

    def test_a_disruption_step_with_its_outcome(self) -> None:
        self.login(self.alice)
        url = f"/safeguarding/panels/{self.panel.pk}/disruption/new/"
        self.assertContains(self.client.post(url, {
            "kind": DisruptionKind.CLOSURE, "applied_on": "2026-02-10",
            "outcome": DisruptionOutcome.PENDING}),
            "Choose the adult, or name the place or business", status_code=400)
        self.assertContains(self.client.post(url, {
            "place": "Hotel Test", "kind": DisruptionKind.CLOSURE, "applied_on": "2026-02-10",
            "outcome": DisruptionOutcome.GRANTED}),
            "Give the date of the outcome", status_code=400)
        self.assertContains(self.client.post(url, {
            "place": "Hotel Test", "kind": DisruptionKind.CLOSURE, "applied_on": "2026-02-10",
            "outcome": DisruptionOutcome.GRANTED, "outcome_on": "2026-02-01"}),
            "cannot come before", status_code=400)
        response = self.client.post(url, {
            "adult": self.adult.pk, "kind": DisruptionKind.SRO, "applied_on": "2026-02-10",
            "outcome": DisruptionOutcome.GRANTED, "outcome_on": "2026-02-20"})
        self.assertEqual(response.status_code, 302)
        step = DisruptionStep.objects.get()
        self.assertEqual((step.adult, step.meeting), (self.adult, self.panel))
        self.assertAudited(Action.UPDATE, self.panel, disruption_step=step.pk)
        self.justify(self.panel)
        self.assertContains(self.client.get(f"/safeguarding/panels/{self.panel.pk}/"),
                            "Sexual risk order application")

    def test_only_the_panels_writers_record_a_step(self) -> None:
        self.share_with(self.panel)
        self.login(self.bob)
        response = self.client.post(f"/safeguarding/panels/{self.panel.pk}/disruption/new/", {
            "place": "Hotel Test", "kind": DisruptionKind.CLOSURE, "applied_on": "2026-02-10",
            "outcome": DisruptionOutcome.PENDING})
        self.assertEqual(response.status_code, 403)
        self.assertFalse(DisruptionStep.objects.exists())
