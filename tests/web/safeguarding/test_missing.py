"""Missing episodes: the return home interview due 72 hours after return and flagged when
overdue, "away from placement without authorisation", repeat missing, the local grades."""

from __future__ import annotations

from datetime import UTC, timedelta
from typing import Any

from django.test import override_settings

from safeguard.web.audit.models import Action
from safeguard.web.safeguarding.models import (
    EpisodeType,
    LegalStatus,
    MissingEpisode,
    MissingFrom,
)

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
            self.assertContains(overdue, "Return home interview after the return of 28 Feb 2026")
        # Held: no longer overdue.
        response = self.client.post(url, {
            "found_at": "2026-02-28T09:00", "returned_at": "2026-02-28T10:00",
            "interview_status": "done", "interview_offered_at": "2026-02-28T12:00",
            "interview_at": "2026-03-02T15:00", "police_risk_grade": "medium"})
        self.assertEqual(response.status_code, 302)
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
        self.assertIn("Give the date and time the interview was held or declined", page)

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


@override_settings(SAFEGUARDING_NOW=NOW)
class ReturnInterviewTests(RegisterTestCase):
    """The return home interview (DfE 2014): offered and held after the return, within
    72 elapsed hours; the police prevention interview beside it; away episodes."""

    def returned(self, returned: str = "2026-02-28T10:00", **fields: str) -> Any:
        self.login(self.alice)
        return self.client.post(f"/safeguarding/missing/{self.episode.pk}/edit/", {
            "found_at": "2026-02-28T09:00", "returned_at": returned,
            "police_risk_grade": "medium", "interview_status": "pending", **fields})

    def page(self) -> str:
        self.justify(self.child)
        return self.client.get(f"/safeguarding/missing/{self.episode.pk}/").content.decode()

    def test_it_records_the_offer_the_interview_and_the_prevention_interview(self) -> None:
        response = self.returned(
            prevention_interview_at="2026-02-28T11:30", prevention_interview_by="PC Test 1234",
            interview_offered_at="2026-02-28T14:00", interview_status="done",
            interview_at="2026-03-02T16:00", interview_by="Return interview service",
            interview_independent="true")
        self.assertEqual(response.status_code, 302)
        self.episode.refresh_from_db()
        self.assertEqual(self.episode.interview_at, aware("2026-03-02T16:00"))
        self.assertTrue(self.episode.interview_independent)
        self.assertEqual(self.episode.prevention_interview_by, "PC Test 1234")
        page = self.page()
        self.assertIn("28 Feb 2026 11:30 by PC Test 1234", page)
        self.assertIn("Tuesday 3 Mar 2026 10:00", page)  # due: the 72nd hour
        self.assertIn('id="interview-offered">28 Feb 2026 14:00', page)
        self.assertIn("Held 2 Mar 2026 16:00 by Return interview service", page)
        self.assertIn('id="interview-in-time"', page)
        self.assertIn("Yes: not involved in caring for the child", page)

    def test_the_order_of_the_offer_and_the_interview(self) -> None:
        response = self.returned(interview_offered_at="2026-02-28T09:30",
                                 interview_status="declined", interview_at="2026-02-28T09:45")
        page = response.content.decode()
        self.assertEqual(response.status_code, 400)
        self.assertIn("Offered before the return", page)
        self.assertIn("Before the return: check the date and time", page)
        response = self.returned(interview_status="declined", interview_at="2026-03-01T10:00")
        self.assertContains(response, "A child declines an interview offered to them",
                            status_code=400)
        response = self.returned(interview_offered_at="2026-03-01T12:00",
                                 interview_status="done", interview_at="2026-03-01T10:00")
        self.assertContains(response, "Before it was offered", status_code=400)
        response = self.returned(interview_at="2026-03-01T10:00")  # "not yet held" + a time
        self.assertContains(response, "mark the interview held or declined", status_code=400)
        response = self.returned(prevention_interview_at="2026-02-28T08:00",
                                 prevention_interview_by="PC Test")
        self.assertContains(response, "Before the child was found", status_code=400)
        response = self.returned(prevention_interview_by="PC Test")
        self.assertContains(response, "Give the time of the prevention interview",
                            status_code=400)
        response = self.returned(interview_offered_at="2026-02-28T10:00",
                                 interview_status="declined", interview_at="2026-02-28T10:00")
        self.assertEqual(response.status_code, 302)  # at the return itself: in order

    def test_held_at_the_72nd_hour_is_in_time_a_minute_later_is_not(self) -> None:
        self.returned(interview_status="done", interview_at="2026-03-03T10:00")
        self.assertIn('id="interview-in-time"', self.page())
        self.returned(interview_status="done", interview_at="2026-03-03T10:01")
        page = self.page()
        self.assertIn('id="interview-late"', page)
        self.assertNotIn('id="interview-overdue"', page)  # held: late, not overdue

    def test_the_72_hours_are_elapsed_time_across_the_october_clock_change(self) -> None:
        # Returned Saturday 24 October 2026 10:00 BST; the clocks go back at 02:00 on
        # Sunday 25th; 72 elapsed hours end at 09:00 GMT on Tuesday 27th, not 10:00.
        with override_settings(SAFEGUARDING_NOW="2026-10-27T09:00:00+00:00"):
            self.assertEqual(self.returned("2026-10-24T10:00", found_at="2026-10-24T09:00")
                             .status_code, 302)
            self.episode.refresh_from_db()
            self.assertEqual(self.episode.returned_at, aware("2026-10-24T09:00:00+00:00"))
            page = self.page()
            self.assertIn("Tuesday 27 Oct 2026 09:00", page)
            self.assertNotIn('id="interview-overdue"', page)
        with override_settings(SAFEGUARDING_NOW="2026-10-27T09:01:00+00:00"):
            self.assertIn('id="interview-overdue"', self.page())
            overdue = self.client.get("/safeguarding/work/overdue/")
            self.assertEqual(len(overdue.context["items"]["Return home interviews"]), 1)
            # Held at 10:00 by the wall clock, 72 hours by the clock on the wall but 73
            # elapsed: late.
            self.returned("2026-10-24T10:00", found_at="2026-10-24T09:00",
                          interview_status="done", interview_at="2026-10-27T10:00")
            self.assertIn('id="interview-late"', self.page())
            self.returned("2026-10-24T10:00", found_at="2026-10-24T09:00",
                          interview_status="done", interview_at="2026-10-27T09:00")
            self.assertIn('id="interview-in-time"', self.page())

    def away_episode(self) -> MissingEpisode:
        looked_after = make_child(self.owner_agency, legal_status=LegalStatus.CARE_ORDER,
                                  placement="residential", first_name="Bea")
        return MissingEpisode.objects.create(
            owning_agency=self.owner_agency, child=looked_after,
            episode_type=EpisodeType.AWAY, missing_from=MissingFrom.CARE_PLACEMENT,
            reported_at=aware("2026-02-20T21:00"), found_at=aware("2026-02-21T08:00"),
            returned_at=aware("2026-02-21T09:00"))

    def test_an_away_episode_is_owed_an_interview_only_where_the_setting_says(self) -> None:
        away = self.away_episode()
        self.login(self.alice)
        self.justify(away.child)
        url = f"/safeguarding/missing/{away.pk}/"
        page = self.client.get(url).content.decode()
        self.assertIn("Not owed: an episode away from placement without authorisation", page)
        self.assertNotIn('id="interview-overdue"', page)
        self.assertNotIn('id="prevention-awaited"', page)  # not a police missing report
        overdue = self.client.get("/safeguarding/work/overdue/")
        self.assertEqual(overdue.context["items"]["Return home interviews"], [])
        with override_settings(SAFEGUARDING_OVERRIDES={"away_episodes_owe_interview": True}):
            page = self.client.get(url).content.decode()
            self.assertIn("Owed: offered on the return", page)
            self.assertIn('id="interview-overdue"', page)
            overdue = self.client.get("/safeguarding/work/overdue/")
            self.assertEqual([row.child for row in
                              overdue.context["items"]["Return home interviews"]], [away.child])

    def test_a_returned_missing_child_awaits_the_prevention_interview(self) -> None:
        self.returned()
        self.assertIn('id="prevention-awaited"', self.page())
        self.returned(prevention_interview_at="2026-02-28T12:00")
        self.assertNotIn('id="prevention-awaited"', self.page())
