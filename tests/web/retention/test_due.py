"""What is due, to the day: the schedule's clocks, their boundaries, and retain decisions."""

from __future__ import annotations

from datetime import date, timedelta

from django.test import RequestFactory, override_settings

from safeguard.web.intelligence.models import Decision, DecisionKind, Subject, SubjectStatus
from safeguard.web.retention.conf import retention_schedule
from safeguard.web.retention.decisions import find_due, retain
from safeguard.web.retention.kinds import KINDS, anniversary, cutoff
from safeguard.web.safeguarding.models import LinkedPerson, MissingEpisode, Relationship

from .base import REASON, TODAY, RetentionTestCase, local, on, set_back

DAY = timedelta(days=1)


def test_cutoff_is_the_last_day_whose_anniversary_has_come() -> None:
    # Every day of four years around two leap days, for the periods the schedule uses.
    day = date(2023, 1, 1)
    while day <= date(2029, 12, 31):
        for years in (1, 2, 4, 6, 7, 10, 24, 25):
            last = cutoff(day, years)
            assert anniversary(last, years) <= day, (day, years)
            assert anniversary(last + DAY, years) > day, (day, years)
        day += DAY


class ChildClockTests(RetentionTestCase):
    def test_due_on_the_24th_birthday_not_the_day_before(self) -> None:
        child = self.old_child(born=date(2002, 3, 3), changed=date(2012, 1, 1))
        for day, due in ((TODAY - DAY, False), (TODAY, True), (TODAY + DAY, True)):
            with self.subTest(day=day), on(day):
                self.assertEqual(child.pk in self.due_ids("child"), due)
        row = find_due(KINDS["child"], child.pk, self.owner_agency.pk, TODAY,
                       retention_schedule())
        self.assertEqual(row.due_on, TODAY)
        self.assertIn("24th birthday", row.why)

    def test_a_29_february_birthday_comes_on_1_march_in_a_common_year(self) -> None:
        child = self.old_child(born=date(2000, 2, 29), changed=date(2010, 1, 1))
        with override_settings(RETENTION_OVERRIDES={"child": {"adult_age": 18,
                                                              "review_years": 7}}):
            with on(date(2025, 2, 28)):
                self.assertNotIn(child.pk, self.due_ids("child"))
            with on(date(2025, 3, 1)):
                self.assertIn(child.pk, self.due_ids("child"))
        with on(date(2024, 2, 29)):  # the 24th birthday, in a leap year, on the day
            self.assertIn(child.pk, self.due_ids("child"))
        with on(date(2024, 2, 28)):
            self.assertNotIn(child.pk, self.due_ids("child"))

    def test_the_last_change_restarts_the_clock_to_the_local_day(self) -> None:
        child = self.old_child(born=date(1990, 1, 1), changed=date(2020, 3, 3))
        self.assertIn(child.pk, self.due_ids("child"))       # six years ago today
        set_back(child, local(date(2020, 3, 4), hour=0, minute=30))
        self.assertNotIn(child.pk, self.due_ids("child"))
        with on(date(2026, 3, 4)):
            self.assertIn(child.pk, self.due_ids("child"))
        # 00:30 on 1 June in summer time is still 31 May in UTC: the local day counts.
        set_back(child, local(date(2020, 6, 1), hour=0, minute=30))
        with on(date(2026, 5, 31)):
            self.assertNotIn(child.pk, self.due_ids("child"))
        with on(date(2026, 6, 1)):
            self.assertIn(child.pk, self.due_ids("child"))

    def test_a_recent_change_to_a_part_keeps_the_child(self) -> None:
        child = self.old_child()
        episode = MissingEpisode.objects.create(
            owning_agency=self.owner_agency, child=child, missing_from="home",
            reported_at=local(date(2014, 5, 1)))
        set_back(episode, local(date(2021, 1, 1)))
        self.assertNotIn(child.pk, self.due_ids("child"))
        set_back(episode, local(date(2019, 1, 1)))
        self.assertIn(child.pk, self.due_ids("child"))
        person = LinkedPerson.objects.create(child=child, relationship=Relationship.FRIEND,
                                             name="A friend")
        self.assertNotIn(child.pk, self.due_ids("child"))  # added just now
        set_back(person, local(date(2019, 1, 1)), "added_at")
        self.assertIn(child.pk, self.due_ids("child"))

    def test_only_the_agencys_own_records(self) -> None:
        ours = self.old_child()
        theirs = self.old_child(agency=self.partner_agency)
        self.assertEqual(self.due_ids("child"), {ours.pk})
        self.assertEqual(self.due_ids("child", self.partner_agency), {theirs.pk})


class ConcernReportClockTests(RetentionTestCase):
    def test_due_two_years_after_closing_and_never_while_open(self) -> None:
        on_the_day = self.closed_report(date(2024, 3, 3))
        day_after = self.closed_report(date(2024, 3, 4))
        still_open = self.closed_report(None)
        self.assertEqual(self.due_ids("concern_report"), {on_the_day.pk})
        with on(date(2030, 1, 1)):
            self.assertEqual(self.due_ids("concern_report"), {on_the_day.pk, day_after.pk})
        self.assertNotIn(still_open.pk, self.due_ids("concern_report"))


class SubjectClockTests(RetentionTestCase):
    def test_the_mopi_group_sets_the_period(self) -> None:
        plain = self.quiet_subject(date(2020, 3, 3))                     # group 3: 6 years
        serious = self.quiet_subject(date(2020, 3, 3), category_a_files=2)  # group 1: 10
        known = self.quiet_subject(date(2016, 3, 4), known_files=1)       # group 2: 10
        self.assertEqual(self.due_ids("intelligence_subject"), {plain.pk})
        with on(date(2026, 3, 4)):
            self.assertEqual(self.due_ids("intelligence_subject"), {plain.pk, known.pk})
        with on(date(2030, 3, 3)):
            self.assertIn(serious.pk, self.due_ids("intelligence_subject"))
        # The mapping is local policy: without category_a in group 1, the subject is in
        # group 3 (no known files) and due now.
        rule = dict(retention_schedule().intelligence_subject.__dict__)
        rule["group1_when"] = ["investigation", "linked_child"]
        with override_settings(RETENTION_OVERRIDES={"intelligence_subject": {
                key: list(value) if isinstance(value, tuple) else value
                for key, value in rule.items()}}):
            self.assertEqual(self.due_ids("intelligence_subject"), {plain.pk, serious.pk})

    def test_a_later_decision_restarts_the_clock_and_merged_shells_are_not_listed(self) -> None:
        subject = self.quiet_subject(date(2019, 1, 1))
        shell = self.quiet_subject(date(2019, 1, 1), status=SubjectStatus.MERGED,
                                   merged_into=subject)
        self.assertEqual(self.due_ids("intelligence_subject"), {subject.pk})
        decision = Decision.objects.create(subject=subject, kind=DecisionKind.NO_FURTHER_ACTION,
                                           reason="Nothing further", score=0.0,
                                           decided_by=self.sam)
        Decision.objects.filter(pk=decision.pk).update(decided_at=local(date(2021, 1, 1)))
        self.assertEqual(self.due_ids("intelligence_subject"), set())
        self.assertTrue(Subject.objects.filter(pk=shell.pk).exists())


class RetainTests(RetentionTestCase):
    def test_a_retain_decision_moves_the_next_review(self) -> None:
        child = self.old_child()
        request = RequestFactory().post("/retention/decide/")
        request.user = self.sam
        retain(request, self.sam, KINDS["child"], child.pk, REASON, date(2027, 1, 1), TODAY,
               retention_schedule())
        self.assertNotIn(child.pk, self.due_ids("child"))
        with on(date(2026, 12, 31)):
            self.assertNotIn(child.pk, self.due_ids("child"))
        with on(date(2027, 1, 1)):
            self.assertIn(child.pk, self.due_ids("child"))
            row = find_due(KINDS["child"], child.pk, self.owner_agency.pk, date(2027, 1, 1),
                           retention_schedule())
            self.assertEqual((row.due_on, row.retained_until), (date(2027, 1, 1),
                                                                date(2027, 1, 1)))

    def test_activity_after_a_retain_decision_moves_the_review_further(self) -> None:
        child = self.old_child(born=date(1990, 1, 1), changed=date(2019, 1, 1))
        request = RequestFactory().post("/retention/decide/")
        request.user = self.sam
        retain(request, self.sam, KINDS["child"], child.pk, REASON, date(2027, 1, 1), TODAY,
               retention_schedule())
        set_back(child, local(date(2026, 6, 1)))  # changed after the decision
        with on(date(2027, 1, 1)):
            self.assertNotIn(child.pk, self.due_ids("child"))
        with on(date(2032, 6, 1)):
            self.assertIn(child.pk, self.due_ids("child"))
