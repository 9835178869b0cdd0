"""Tasks across agencies: the front door and the return home interview, with the
three-person boundary extended to the task's roles.

alice (police) holds the child and its records; dana (the commissioned provider) is
asked for the return home interview; bob (the city council, a partner with every record
shared) is the other partner for that task and the front door for referrals; charlie
(health) is the outsider; erin (a school) records a referral. Every view and every
refusal leaves an audit row.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

import pytest
from django.test import override_settings

from safeguard.web.accounts.models import Agency, AgencyKind, Role
from safeguard.web.audit.models import Action
from safeguard.web.safeguarding.forms.children import ChildForm
from safeguard.web.safeguarding.handoffs import inbox, transition_due
from safeguard.web.safeguarding.models import (
    Child,
    InterviewStatus,
    MissingEpisode,
    Referral,
    Task,
    TaskKind,
    TaskStatus,
    in_work,
)
from safeguard.web.safeguarding.models.tasks import TaskEvent

from .base import NOW, RegisterTestCase, aware, make_child

PROVIDER = "Young People's Trust (test)"
AUTHORITIES = [
    {"name": "Stoke-on-Trent City Council", "districts": ["E06000021"],
     "front_door": ["Stoke-on-Trent City Council (test)"], "rhi_provider": [PROVIDER]},
    {"name": "Staffordshire County Council", "districts": ["E07000199"],
     "front_door": ["No such council"]},
]


@override_settings(SAFEGUARDING_NOW=NOW,
                   SAFEGUARDING_OVERRIDES={"local_authorities": AUTHORITIES})
class HandOffTests(RegisterTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.provider = Agency.objects.create(name=PROVIDER, kind=AgencyKind.VOLUNTARY_SECTOR)
        cls.school = Agency.objects.create(name="Test Academy (test)",
                                           kind=AgencyKind.EDUCATION)
        cls.dana = cls.make_user_cls("dana", cls.provider, Role.PRACTITIONER)
        cls.erin = cls.make_user_cls("erin", cls.school, Role.PRACTITIONER)

    @staticmethod
    def make_user_cls(username: str, agency: Agency, role: str) -> Any:
        from ..base import make_user

        return make_user(username, agency, role)

    def setUp(self) -> None:
        self.share_all()  # bob: every record, read only

    # The return home interview ------------------------------------------------------

    def report_missing(self) -> MissingEpisode:
        self.login(self.alice)
        self.justify(self.child)
        response = self.client.post(f"/safeguarding/children/{self.child.pk}/missing/new/", {
            "episode_type": "missing", "missing_from": "home",
            "reported_at": "2026-03-02T22:00", "police_risk_grade": "medium"})
        self.assertEqual(response.status_code, 302, response.content.decode()[:2000])
        return MissingEpisode.objects.latest("pk")

    def rhi_task(self) -> tuple[MissingEpisode, Task]:
        episode = self.report_missing()
        task = Task.objects.get(kind=TaskKind.RETURN_INTERVIEW, record_id=episode.pk)
        return episode, task

    def test_a_police_episode_asks_the_provider_for_the_interview(self) -> None:
        _, task = self.rhi_task()
        self.assertEqual((task.assigned_agency, task.owning_agency, task.status),
                         (self.provider, self.owner_agency, TaskStatus.OFFERED))
        self.assertAudited(Action.CREATE, task, actor=self.alice,
                           assigned_agency=PROVIDER, kind="return_interview")
        self.assertEqual(task.events.get().kind, "set")
        # Not due until the return is recorded.
        self.login(self.dana)
        response = self.client.get("/safeguarding/tasks/")
        self.assertContains(response, "Return home interview")
        self.assertContains(response, "after the return")
        self.assertAudited(Action.VIEW, actor=self.dana, page="tasks")

    def test_a_partners_episode_sets_no_interview_task(self) -> None:
        self.login(self.bob)
        self.justify(self.child)
        self.client.post(f"/safeguarding/children/{self.child.pk}/missing/new/", {
            "episode_type": "missing", "missing_from": "home",
            "reported_at": "2026-03-02T22:00", "share-share_with_owner": "on"})
        self.assertFalse(Task.objects.exists())

    def test_the_three_people_and_the_holder_at_the_task(self) -> None:
        episode, task = self.rhi_task()
        url = f"/safeguarding/tasks/{task.pk}/"
        # The assignee: the reason first, then the task, and a view event on each
        # record it shows the minimum of.
        self.login(self.dana)
        self.assertContains(self.client.get(url), "Why are you opening this record?")
        self.justify(task, "Arranging the return home interview")
        response = self.client.get(url)
        self.assertContains(response, "Ava")
        self.assertNotContains(response, "medium")  # the police grade is not its to see
        self.assertAudited(Action.VIEW, task, actor=self.dana)
        self.assertAudited(Action.VIEW, self.child, actor=self.dana, via_task=task.pk)
        event = self.assertAudited(Action.VIEW, episode, actor=self.dana, via_task=task.pk)
        self.assertEqual(event.justification, "Arranging the return home interview")
        # ...but not the records themselves.
        for record_url in (f"/safeguarding/missing/{episode.pk}/",
                           f"/safeguarding/missing/{episode.pk}/edit/",
                           f"/safeguarding/children/{self.child.pk}/"):
            with self.subTest(url=record_url):
                self.assertEqual(self.client.get(record_url).status_code, 404)
        self.assertAudited(Action.ACCESS_DENIED, actor=self.dana, status=404)
        # The other partner and the outsider: 404, recorded.
        for user in (self.bob, self.charlie):
            with self.subTest(user=user.username):
                self.login(user)
                for page in ("", "respond/", "record/", "allocate/", "assign/"):
                    self.assertEqual(self.client.get(url + page).status_code, 404)
                    self.assertAudited(Action.ACCESS_DENIED, task, actor=user, status=404)
        # The holder reads the task and hands it on, but does not do the assignee's part.
        self.login(self.alice)
        self.justify(task)
        self.assertEqual(self.client.get(url).status_code, 200)
        for page in ("respond/", "record/", "allocate/"):
            self.assertEqual(self.client.get(url + page).status_code, 403)
            self.assertAudited(Action.ACCESS_DENIED, task, actor=self.alice, status=403)
        self.assertEqual(self.client.get(url + "assign/").status_code, 200)
        # The assignee does not hand it on.
        self.login(self.dana)
        self.assertEqual(self.client.get(url + "assign/").status_code, 403)

    def test_accept_or_decline_with_a_reason(self) -> None:
        _, task = self.rhi_task()
        self.login(self.dana)
        self.justify(task)
        url = f"/safeguarding/tasks/{task.pk}/respond/"
        self.assertEqual(self.client.post(url, {"answer": "decline"}).status_code, 400)
        response = self.client.post(url, {"answer": "decline", "reason": "Out of our area"})
        self.assertEqual(response.status_code, 302)
        task.refresh_from_db()
        self.assertEqual(task.status, TaskStatus.DECLINED)
        self.assertEqual(task.events.last().reason, "Out of our area")  # type: ignore[union-attr]
        self.assertAudited(Action.UPDATE, task, actor=self.dana, status="declined")
        # Declined: nothing more to record.
        self.assertEqual(self.client.post(url, {"answer": "accept"}).status_code, 302)
        task.refresh_from_db()
        self.assertEqual(task.status, TaskStatus.DECLINED)

    def test_the_provider_records_the_interview_and_nothing_else(self) -> None:
        episode, task = self.rhi_task()
        self.login(self.dana)
        self.justify(task)
        url = f"/safeguarding/tasks/{task.pk}/record/"
        held = {"interview_status": "done", "interview_offered_at": "2026-03-03T10:00",
                "interview_at": "2026-03-04T15:00", "interview_by": "D. Worker",
                "interview_independent": "true", "interview_notes": "Seen at home.",
                # Fields of the police's, sent anyway: ignored.
                "police_risk_grade": "high", "returned_at": "2026-03-01T00:00",
                "where_found": "FORGED"}
        response = self.client.post(url, held)
        self.assertContains(response, "has not recorded the child&#x27;s return yet",
                            status_code=400)
        MissingEpisode.objects.filter(pk=episode.pk).update(
            found_at=aware("2026-03-03T08:30"), returned_at=aware("2026-03-03T09:00"))
        self.assertEqual(self.client.post(url, held).status_code, 302)
        episode.refresh_from_db()
        self.assertEqual((episode.interview_status, episode.interview_independent,
                          episode.interview_by), (InterviewStatus.DONE, True, "D. Worker"))
        self.assertEqual((episode.police_risk_grade, episode.where_found), ("medium", ""))
        self.assertEqual(episode.returned_at, aware("2026-03-03T09:00"))
        task.refresh_from_db()
        self.assertEqual(task.status, TaskStatus.DONE)
        self.assertAudited(Action.UPDATE, episode, actor=self.dana, via_task=task.pk)
        # The police see it done on their episode.
        self.login(self.alice)
        self.justify(self.child)
        response = self.client.get(f"/safeguarding/missing/{episode.pk}/")
        self.assertContains(response, "Held")
        self.assertContains(response, 'class="task-status">Done<')

    # A child placed here by another authority -------------------------------------------

    def edit_child(self, **changes: Any) -> Any:
        data: dict[str, Any] = {}
        for name in ChildForm.Meta.fields:
            value = getattr(self.child, name)
            data[name] = value.pk if hasattr(value, "pk") else (
                value.isoformat() if isinstance(value, date) else ("" if value is None
                                                                   else value))
        data.update(changes)
        self.justify(self.child)
        return self.client.post(f"/safeguarding/children/{self.child.pk}/edit/", data)

    def test_a_child_placed_from_elsewhere_is_made_known_to_the_host_authority(self) -> None:
        self.login(self.alice)
        response = self.edit_child(placing_authority="Example Borough Council (test)")
        self.assertEqual(response.status_code, 302, response.content.decode()[:2000])
        task = Task.objects.get(kind=TaskKind.HOST_NOTIFICATION)
        self.assertEqual((task.assigned_agency, task.record, task.child),
                         (self.partner_agency, self.child, self.child))
        # Due the next working day after the day it was made.
        from safeguard.web.core.clock import local_date
        from safeguard.web.safeguarding.conf import local_rules
        from safeguard.web.safeguarding.handoffs import due_of

        made = local_date(task.created_at)
        due = due_of(task)
        self.assertEqual(due, local_rules().working.add_working_days(made, 1))
        assert isinstance(due, date) and due > made and due.weekday() < 5
        # Saving again tells no one twice.
        self.edit_child(placing_authority="Example Borough Council (test)", school="Elsewhere")
        self.assertEqual(Task.objects.filter(kind=TaskKind.HOST_NOTIFICATION).count(), 1)
        # The host authority acknowledges; nothing else of the child is written.
        self.login(self.bob)
        self.justify(task)
        page = self.client.get(f"/safeguarding/tasks/{task.pk}/")
        self.assertContains(page, "Example Borough Council (test)")  # the minimum it needs
        url = f"/safeguarding/tasks/{task.pk}/record/"
        self.assertEqual(self.client.post(url, {"host_acknowledged_on": "2026-03-09"})
                         .status_code, 400)  # not in the future
        response = self.client.post(url, {"host_acknowledged_on": "2026-03-03",
                                          "placing_authority": "FORGED", "school": "FORGED"})
        self.assertEqual(response.status_code, 302)
        self.child.refresh_from_db()
        self.assertEqual((self.child.host_acknowledged_on, self.child.placing_authority,
                          self.child.school),
                         (date(2026, 3, 3), "Example Borough Council (test)", "Elsewhere"))
        task.refresh_from_db()
        self.assertEqual(task.status, TaskStatus.DONE)
        self.assertAudited(Action.UPDATE, self.child, actor=self.bob, via_task=task.pk)
        # The holder sees it acknowledged on the child's page.
        self.login(self.alice)
        self.justify(self.child)
        self.assertContains(self.client.get(f"/safeguarding/children/{self.child.pk}/"),
                            "Example Borough Council (test); acknowledged by the host "
                            "authority on 3 Mar 2026")

    def test_no_notification_for_the_areas_own_child_or_from_the_host_itself(self) -> None:
        self.login(self.alice)
        self.edit_child(school="Elsewhere")  # no placing authority
        self.login(self.bob)
        response = self.client.post("/safeguarding/children/new/", {
            "first_name": "Robin", "last_name": "Placedhere", "date_of_birth": "2012-05-05",
            "gender": "male", "ethnicity": "not_stated", "district": self.area.pk,
            "legal_status": "none", "placement": "home",
            "placing_authority": "Example Borough Council (test)", "no_match": "on"})
        self.assertEqual(response.status_code, 302, response.content.decode()[:2000])
        self.assertFalse(Task.objects.filter(kind=TaskKind.HOST_NOTIFICATION).exists())

    def test_reassignment_and_revocation_move_who_sees_it(self) -> None:
        _, task = self.rhi_task()
        url = f"/safeguarding/tasks/{task.pk}/"
        self.login(self.alice)
        self.justify(task)
        self.assertEqual(self.client.post(url + "assign/", {"action": "reassign"})
                         .status_code, 400)  # no agency, no reason
        response = self.client.post(url + "assign/", {
            "action": "reassign", "agency": self.outsider_agency.pk,
            "reason": "The child is placed with the health trust's service."})
        self.assertEqual(response.status_code, 302)
        self.assertAudited(Action.UPDATE, task, actor=self.alice, event="reassigned",
                           from_agency=PROVIDER, to_agency=self.outsider_agency.name)
        self.login(self.dana)
        self.assertEqual(self.client.get(url).status_code, 404)
        self.login(self.charlie)
        self.justify(task)
        self.assertEqual(self.client.get(url).status_code, 200)
        self.login(self.alice)
        self.client.post(url + "assign/", {"action": "revoke", "reason": "Held by police."})
        task.refresh_from_db()
        self.assertEqual(task.status, TaskStatus.REVOKED)
        self.assertAudited(Action.UPDATE, task, actor=self.alice, event="revoked")
        self.login(self.charlie)
        self.assertEqual(self.client.get(url).status_code, 404)
        self.assertEqual([e.kind for e in TaskEvent.objects.filter(task=task)],
                         ["set", "reassigned", "revoked"])

    def test_allocation_to_a_person_and_my_tasks(self) -> None:
        _, task = self.rhi_task()
        self.login(self.dana)
        self.justify(task)
        self.client.post(f"/safeguarding/tasks/{task.pk}/allocate/", {"person": self.dana.pk})
        task.refresh_from_db()
        self.assertEqual(task.assigned_to, self.dana)
        self.assertAudited(Action.UPDATE, task, actor=self.dana, person="dana")
        self.assertContains(self.client.get("/safeguarding/tasks/?mine=1"),
                            "Return home interview")
        # A colleague's choice is limited to the agency: another agency's user refused.
        response = self.client.post(f"/safeguarding/tasks/{task.pk}/allocate/",
                                    {"person": self.bob.pk})
        self.assertEqual(response.status_code, 400)

    # The front door -------------------------------------------------------------------

    def record_referral(self, child: Child) -> Any:
        self.share_with(child, self.school)
        self.login(self.erin)
        self.justify(child)
        return self.client.post(f"/safeguarding/children/{child.pk}/referrals/new/", {
            "received_at": "2026-03-03T09:00", "referrer": "Designated safeguarding lead",
            "concern": "Seen getting into cars outside school", "rag": "red",
            "share-share_with_owner": "on"}, follow=True)

    def test_a_schools_referral_is_decided_at_the_front_door(self) -> None:
        response = self.record_referral(self.child)
        self.assertContains(response, "Sent to the front door of Stoke-on-Trent City Council")
        referral = Referral.objects.get(referrer="Designated safeguarding lead")
        task = Task.objects.get(kind=TaskKind.REFERRAL_DECISION, record_id=referral.pk)
        self.assertEqual((task.assigned_agency, task.owning_agency),
                         (self.partner_agency, self.school))
        # The school no longer decides it.
        response = self.client.get(f"/safeguarding/referrals/{referral.pk}/decide/",
                                   follow=True)
        self.assertContains(response, "The front door of Stoke-on-Trent City Council (test) "
                                      "decides this referral")
        # The front door's queue, due by the end of the next working day (Wednesday).
        self.login(self.bob)
        response = self.client.get("/safeguarding/tasks/?kind=referral_decision")
        self.assertContains(response, "Front door queue")
        self.assertContains(response, "end of Wednesday 4 Mar 2026")
        self.justify(task)
        response = self.client.post(f"/safeguarding/tasks/{task.pk}/record/", {
            "outcome": "strategy_discussion", "decision_notes": "Strategy discussion today."})
        self.assertEqual(response.status_code, 302)
        referral.refresh_from_db()
        self.assertEqual((referral.outcome, referral.decided_by), ("strategy_discussion",
                                                                   self.bob))
        # 45 working days after the referral (Good Friday, Easter Monday and 4 May out).
        self.assertEqual(referral.assessment_due, date(2026, 5, 8))
        task.refresh_from_db()
        self.assertEqual(task.status, TaskStatus.DONE)
        self.assertAudited(Action.UPDATE, referral, actor=self.bob, via_task=task.pk)

    def test_no_front_door_configured_is_said_not_silent(self) -> None:
        tamworth = make_child(self.owner_agency, first_name="Tia",
                              district=self.area.__class__.objects.get(ons_code="E07000199"))
        response = self.record_referral(tamworth)
        self.assertContains(response, "No front door is configured for Tamworth")
        self.assertFalse(Task.objects.exists())

    def test_the_inbox_puts_overdue_first(self) -> None:
        referrals = []
        for received, due in (("2026-03-02T09:00", date(2026, 3, 3)),
                              ("2026-02-20T09:00", date(2026, 2, 23)),
                              ("2026-03-03T09:00", date(2026, 3, 4))):
            referrals.append(Referral.objects.create(
                owning_agency=self.owner_agency, child=self.child,
                received_at=aware(received), referrer="x", concern="y", rag="red",
                decision_due=due))
        from safeguard.web.safeguarding.handoffs import set_task

        tasks = [set_task(None, kind=TaskKind.REFERRAL_DECISION, record=r, child=self.child,
                          agency=self.partner_agency, by=self.alice) for r in referrals]
        rows = inbox(Task.objects.all())
        self.assertEqual([r.task for r in rows], [tasks[1], tasks[0], tasks[2]])
        self.assertEqual([r.overdue for r in rows], [True, False, False])


@override_settings(SAFEGUARDING_NOW=NOW)
class ClosureAndAgeTests(RegisterTestCase):
    def test_close_and_reopen_with_a_reason(self) -> None:
        self.login(self.alice)
        self.justify(self.child)
        url = f"/safeguarding/children/{self.child.pk}/closure/"
        self.assertEqual(self.client.post(url, {"on": "2026-03-03"}).status_code, 400)
        self.client.post(url, {"on": "2026-03-03", "reason": "Moved to Scotland"})
        self.child.refresh_from_db()
        self.assertEqual(self.child.closed_on, date(2026, 3, 3))
        self.assertNotIn(self.child, in_work(Child.objects.all()))
        self.assertAudited(Action.UPDATE, self.child, actor=self.alice, event="closed",
                           reason="Moved to Scotland")
        self.assertContains(self.client.get(f"/safeguarding/children/{self.child.pk}/"),
                            "Involvement closed on")
        self.client.post(url, {"on": "2026-03-03", "reason": "Back in the area"})
        self.child.refresh_from_db()
        self.assertIsNone(self.child.closed_on)
        self.assertIn(self.child, in_work(Child.objects.all()))
        self.assertAudited(Action.UPDATE, self.child, actor=self.alice, event="reopened")

    def test_at_18_a_child_leaves_the_work_and_the_prompt_comes_at_17_and_a_half(self) -> None:
        today = date(2026, 3, 3)
        eighteen = make_child(self.owner_agency, date_of_birth=date(2008, 3, 3))
        nearly = make_child(self.owner_agency, date_of_birth=date(2008, 3, 4))
        in_transition = make_child(self.owner_agency, date_of_birth=date(2008, 9, 3))
        before = make_child(self.owner_agency, date_of_birth=date(2008, 9, 4))
        working = set(in_work(Child.objects.all(), today))
        self.assertNotIn(eighteen, working)
        self.assertIn(nearly, working)
        self.assertEqual([transition_due(c) for c in (eighteen, nearly, in_transition, before)],
                         [False, True, True, False])

    def test_the_at_risk_figures_leave_out_aged_out_and_closed_children(self) -> None:
        from safeguard.web.statistics.figures import _children_at_risk

        end = date(2026, 3, 3)
        self.assertEqual(_children_at_risk(end)["children_at_risk"].total, 1)  # self.child
        self.child.closed_on = date(2026, 3, 1)
        self.child.save()
        self.assertEqual(_children_at_risk(end)["children_at_risk"].total, 0)
        self.assertEqual(_children_at_risk(date(2026, 2, 28))["children_at_risk"].total, 1)
        self.child.closed_on = None
        self.child.date_of_birth = date(2008, 3, 3)  # 18 on the period's last day
        self.child.save()
        self.assertEqual(_children_at_risk(end)["children_at_risk"].total, 0)
        self.assertEqual(_children_at_risk(date(2026, 3, 2))["children_at_risk"].total, 1)

    def test_the_caseload_prompts_the_transition(self) -> None:
        soon = make_child(self.owner_agency, first_name="Nearly", date_of_birth=date(2008, 9, 3),
                          lead_practitioner=self.alice)
        make_child(self.owner_agency, first_name="Later", date_of_birth=date(2008, 9, 4),
                   lead_practitioner=self.alice)
        self.login(self.alice)
        response = self.client.get("/safeguarding/work/caseload/")
        self.assertEqual([c.pk for c in response.context["turning_18"]], [soon.pk])
        self.assertContains(response, "Turning 18: plan the transition")

    def test_registration_refuses_a_date_of_birth_of_18_or_over(self) -> None:
        data = {"first_name": "Sam", "last_name": "Test", "gender": "female",
                "ethnicity": "not_stated", "district": self.area.pk, "legal_status": "none",
                "placement": "home"}
        form = ChildForm({**data, "date_of_birth": "2008-03-03"}, user=self.alice)
        self.assertFalse(form.is_valid())
        self.assertIn("makes the person 18 today", form.errors["date_of_birth"][0])
        self.assertTrue(ChildForm({**data, "date_of_birth": "2008-03-04"},
                                  user=self.alice).is_valid())


@pytest.mark.django_db
@override_settings(SAFEGUARDING_NOW=NOW)
def test_the_demo_puts_tasks_in_several_inboxes() -> None:
    from safeguard.web.safeguarding.demo import seed_safeguarding_demo

    summary = seed_safeguarding_demo()
    assert summary.counts["tasks"] > 5
    inboxes = Counter(Task.objects.values_list("assigned_agency__name", "kind"))
    by_agency = Counter(name for name, _ in inboxes.elements())
    assert {"Staffordshire County Council Children's Services (demo)",
            "Stoke-on-Trent City Council (demo)",
            "Moorlands Young People's Trust (demo)"} <= set(by_agency)
    # A school's referral waits at a front door; interviews wait at the provider.
    assert Task.objects.filter(kind=TaskKind.REFERRAL_DECISION,
                               owning_agency__name__startswith="Staffordshire Schools").exists()
    assert Task.objects.filter(kind=TaskKind.RETURN_INTERVIEW, status=TaskStatus.OFFERED).exists()
    assert all(t.events.exists() for t in Task.objects.all())
