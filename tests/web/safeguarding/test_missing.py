"""Missing episodes: the return home interview due 72 hours after return and flagged when
overdue, "away from placement without authorisation", repeat missing, the local grades."""

from __future__ import annotations

from datetime import UTC, timedelta

from django.test import override_settings

from safeguard.web.audit.models import Action
from safeguard.web.safeguarding.models import LegalStatus, MissingEpisode, MissingFrom

from .base import NOW, RegisterTestCase, aware, make_child


@override_settings(SAFEGUARDING_NOW=NOW)
class EpisodeTests(RegisterTestCase):
    def report(self, child_pk: int, **fields: str) -> object:
        data = {"episode_type": "missing", "missing_from": "home",
                "reported_at": "2026-03-01T22:00", "police_risk_grade": "medium", **fields}
        return self.client.post(f"/safeguarding/children/{child_pk}/missing/new/", data)

    def test_it_records_an_episode_with_the_local_grade(self) -> None:
        self.login(self.alice)
        self.report(self.child.pk)
        episode = MissingEpisode.objects.latest("pk")
        self.assertEqual(episode.police_risk_grade, "medium")
        self.assertAudited(Action.CREATE, episode, actor=self.alice)
        response = self.report(self.child.pk, police_risk_grade="critical")
        self.assertContains(response, "Police risk grade", status_code=400)

    @override_settings(SAFEGUARDING_OVERRIDES={"police_risk_grades": [
        {"code": "absent", "label": "Absent"}, {"code": "high", "label": "High"}]})
    def test_the_grades_are_a_local_list(self) -> None:
        self.login(self.alice)
        self.report(self.child.pk, police_risk_grade="absent")
        self.assertEqual(MissingEpisode.objects.latest("pk").police_risk_grade, "absent")

    def test_away_without_authorisation_is_for_looked_after_children(self) -> None:
        self.login(self.alice)
        response = self.report(self.child.pk, episode_type="away_without_authorisation",
                               missing_from="care_placement")
        self.assertContains(response, "is not looked after", status_code=400)
        looked_after = make_child(self.owner_agency, legal_status=LegalStatus.CARE_ORDER,
                                  placement="residential")
        response = self.report(looked_after.pk, episode_type="away_without_authorisation",
                               missing_from="home")
        self.assertContains(response, "from a care placement", status_code=400)
        self.report(looked_after.pk, episode_type="away_without_authorisation",
                    missing_from="care_placement")
        self.assertEqual(MissingEpisode.objects.filter(child=looked_after).get().missing_from,
                         MissingFrom.CARE_PLACEMENT)

    def test_the_interview_falls_due_72_hours_after_return_and_is_then_overdue(self) -> None:
        self.login(self.alice)
        url = f"/safeguarding/missing/{self.episode.pk}/edit/"
        response = self.client.post(url, {
            "found_at": "2026-02-28T09:00", "where_found": "A retail park",
            "returned_at": "2026-02-28T10:00", "interview_status": "pending",
            "police_risk_grade": "medium",
        })
        self.assertEqual(response.status_code, 302)
        self.episode.refresh_from_db()
        self.assertEqual(self.episode.interview_due, aware("2026-03-03T10:00"))
        self.justify(self.child)
        detail = f"/safeguarding/missing/{self.episode.pk}/"
        self.assertNotContains(self.client.get(detail), 'id="interview-overdue"')
        with override_settings(SAFEGUARDING_NOW="2026-03-03T10:01:00+00:00"):
            self.assertContains(self.client.get(detail), 'id="interview-overdue"')
            overdue = self.client.get("/safeguarding/work/overdue/")
            self.assertContains(overdue, "Return home interview after the return of 28/02/2026")
        # Held: no longer overdue.
        self.client.post(url, {"found_at": "2026-02-28T09:00", "returned_at": "2026-02-28T10:00",
                               "interview_status": "done", "interview_on": "2026-03-02",
                               "police_risk_grade": "medium"})
        with override_settings(SAFEGUARDING_NOW="2026-03-09T10:00:00+00:00"):
            self.assertNotContains(self.client.get(detail), 'id="interview-overdue"')

    def test_the_return_form_checks_the_order_of_events(self) -> None:
        self.login(self.alice)
        url = f"/safeguarding/missing/{self.episode.pk}/edit/"
        response = self.client.post(url, {"found_at": "2026-02-19T09:00",
                                          "interview_status": "done"})
        page = response.content.decode()
        self.assertEqual(response.status_code, 400)
        self.assertIn("Found before the report", page)
        self.assertIn("The interview follows the return", page)
        self.assertIn("Give the date the interview was held or declined", page)

    def test_repeat_missing_flags_three_episodes_in_90_days(self) -> None:
        for when in ("2026-01-10T20:00", "2026-02-05T20:00"):
            MissingEpisode.objects.create(owning_agency=self.owner_agency, child=self.child,
                                          missing_from="home", reported_at=aware(when))
        self.login(self.alice)
        self.justify(self.child)
        page = self.client.get(f"/safeguarding/children/{self.child.pk}/")
        self.assertContains(page, 'id="repeat-missing"')
        self.assertContains(page, "Repeat missing (3+ in 90 days)")
        # 90 days (elapsed: BST starts in between) after the first: two left in the window.
        first = aware("2026-01-10T20:00").astimezone(UTC) + timedelta(days=90, minutes=1)
        with override_settings(SAFEGUARDING_NOW=first.isoformat()):
            self.assertNotContains(self.client.get(
                f"/safeguarding/children/{self.child.pk}/"), 'id="repeat-missing"')
        with override_settings(SAFEGUARDING_OVERRIDES={"repeat_missing_episodes": 4}):
            self.assertNotContains(self.client.get(
                f"/safeguarding/children/{self.child.pk}/"), 'id="repeat-missing"')

    def test_an_episode_page_flags_repeat_missing_at_its_own_time(self) -> None:
        for when in ("2026-01-10T20:00", "2026-02-05T20:00"):
            MissingEpisode.objects.create(owning_agency=self.owner_agency, child=self.child,
                                          missing_from="home", reported_at=aware(when))
        self.login(self.alice)
        self.justify(self.child)
        self.assertContains(self.client.get(f"/safeguarding/missing/{self.episode.pk}/"),
                            'id="repeat-missing"')
        first = MissingEpisode.objects.get(reported_at=aware("2026-01-10T20:00"))
        self.assertNotContains(self.client.get(f"/safeguarding/missing/{first.pk}/"),
                               'id="repeat-missing"')
