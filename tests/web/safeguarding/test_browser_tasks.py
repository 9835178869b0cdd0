"""In a real browser, the two hand-offs: a school records a referral and the county's front
door decides it from its queue; the police record a missing episode, the provider finds
the return home interview in its inbox and records it, and the police see it done."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import override_settings

from safeguard.web.accounts.models import Agency, AgencyKind, Role
from safeguard.web.audit.models import Action, AuditEvent
from safeguard.web.core.models import Area, Share
from safeguard.web.safeguarding.models import (
    InterviewStatus,
    MissingEpisode,
    Referral,
    Task,
    TaskStatus,
)
from safeguard.web.safeguarding.reference import load_reference_data

from ..base import make_user
from ..browser import csp_watch, justify, shot, sign_in_as
from .base import make_child

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOW = "2026-03-03T10:00:00+00:00"
AUTHORITIES = [
    {"name": "Staffordshire County Council", "districts": ["E07000199"],
     "front_door": ["County Children's Services (test)"],
     "rhi_provider": ["Young People's Trust (test)"]},
]


@pytest.fixture
def agencies() -> dict[str, Agency]:
    load_reference_data()
    made = {
        "police": Agency.objects.create(name="Staffordshire Police (test)",
                                        kind=AgencyKind.POLICE),
        "county": Agency.objects.create(name="County Children's Services (test)",
                                        kind=AgencyKind.CHILDRENS_SOCIAL_CARE),
        "school": Agency.objects.create(name="Tamworth Academy (test)",
                                        kind=AgencyKind.EDUCATION),
        "provider": Agency.objects.create(name="Young People's Trust (test)",
                                          kind=AgencyKind.VOLUNTARY_SECTOR),
    }
    make_user("alice", made["police"], Role.INVESTIGATOR)
    make_user("sasha", made["county"], Role.PRACTITIONER)
    make_user("erin", made["school"], Role.PRACTITIONER)
    make_user("dana", made["provider"], Role.PRACTITIONER)
    return made


@override_settings(SAFEGUARDING_NOW=NOW, SAFEGUARDING_OVERRIDES={
    "local_authorities": AUTHORITIES})
def test_a_schools_referral_is_decided_at_the_county_front_door(
        live_server: Any, page: Any, agencies: dict[str, Agency]) -> None:
    child = make_child(agencies["police"], first_name="Tilly", last_name="Synthetic",
                       district=Area.objects.get(ons_code="E07000199"))

    from safeguard.web.accounts.models import User

    Share.objects.create(content_type=ContentType.objects.get_for_model(child),
                         object_id=child.pk, agency=agencies["school"], reason="school",
                         shared_by=User.objects.get(username="alice"))
    violations = csp_watch(page)
    base = live_server.url

    sign_in_as(page, base, "erin")
    page.goto(f"{base}/safeguarding/children/{child.pk}/referrals/new/")
    justify(page)
    page.fill("#id_received_at", "2026-03-03T09:00")
    page.fill("#id_referrer", "Designated safeguarding lead")
    page.fill("#id_concern", "Seen getting into cars with unknown adults after school.")
    page.select_option("#id_rag", "red")
    page.click("main form button[type=submit]")
    page.wait_for_selector(".messages")
    assert "Sent to the front door of County Children's Services (test)" in page.inner_text(
        ".messages")
    referral = Referral.objects.get()

    sign_in_as(page, base, "sasha")
    page.click("text=Safeguarding register")
    page.click("#tasks-card")
    page.select_option("#id_kind", "referral_decision")
    page.click("form.filters button[type=submit]")
    page.wait_for_selector("h1:has-text('Front door queue')")
    assert "end of Wednesday 4 Mar 2026" in page.inner_text("#task-inbox")
    shot(page, "front-door-queue")
    page.click("#task-inbox a:has-text('Referral decision')")
    justify(page, "Deciding the referral at the front door")
    page.wait_for_selector("#task-minimum")
    assert "Seen getting into cars" in page.inner_text("#task-minimum")
    shot(page, "task-detail")
    page.click("#task-record")
    page.select_option("#id_outcome", "assessment")
    page.fill("#id_decision_notes", "Single assessment by the locality team.")
    page.click("main form button[type=submit]")
    page.wait_for_selector("#task-status")
    assert page.inner_text("#task-status") == "Done"
    referral.refresh_from_db()
    assert referral.outcome == "assessment" and referral.decided
    assert referral.assessment_due is not None and referral.assessment_due > date(2026, 3, 3)
    # The school sees it decided on its own referral.
    sign_in_as(page, base, "erin")
    page.goto(f"{base}/safeguarding/referrals/{referral.pk}/")
    justify(page)
    assert "Assessment" in page.inner_text("main")
    assert "Done" in page.inner_text("#record-tasks")
    assert violations == []


@override_settings(SAFEGUARDING_NOW=NOW, SAFEGUARDING_OVERRIDES={
    "local_authorities": AUTHORITIES})
def test_the_provider_records_the_interview_on_a_police_episode(
        live_server: Any, page: Any, agencies: dict[str, Agency]) -> None:
    child = make_child(agencies["police"], first_name="Milo", last_name="Synthetic",
                       gender="male", district=Area.objects.get(ons_code="E07000199"))
    violations = csp_watch(page)
    base = live_server.url

    sign_in_as(page, base, "alice")
    page.goto(f"{base}/safeguarding/children/{child.pk}/missing/new/")
    justify(page)
    page.select_option("#id_missing_from", "home")
    page.select_option("#id_episode_type", "missing")
    page.fill("#id_reported_at", "2026-03-02T22:00")
    page.click("main form button[type=submit]")
    page.wait_for_selector(".messages")
    assert "Return home interview asked of Young People's Trust (test)" in page.inner_text(
        ".messages")
    page.click("text=Found, return and interview")
    page.fill("#id_found_at", "2026-03-03T08:30")
    page.fill("#id_returned_at", "2026-03-03T09:00")
    page.click("main form button[type=submit]")
    page.wait_for_selector("#interview-due")
    episode = MissingEpisode.objects.get()

    sign_in_as(page, base, "dana")
    page.goto(f"{base}/safeguarding/tasks/")
    assert "Return home interview" in page.inner_text("#task-inbox")
    assert "Friday 6 Mar 2026 09:00" in page.inner_text("#task-inbox")
    shot(page, "provider-inbox")
    page.click("#task-inbox a:has-text('Return home interview')")
    justify(page, "Arranging the return home interview")
    page.click("#task-respond")
    page.check("input[name=answer][value=accept]")
    page.click("main form button[type=submit]")
    page.wait_for_selector("#task-record")
    page.click("#task-record")
    page.select_option("#id_interview_status", "done")
    page.fill("#id_interview_offered_at", "2026-03-03T11:00")
    page.fill("#id_interview_at", "2026-03-04T16:00")
    page.fill("#id_interview_by", "D. Worker, Young People's Trust")
    page.select_option("#id_interview_independent", "true")
    shot(page, "task-record-interview")
    page.click("main form button[type=submit]")
    page.wait_for_selector("#task-status")
    assert page.inner_text("#task-status") == "Done"
    # The provider cannot open the police record itself.
    response = page.goto(f"{base}/safeguarding/missing/{episode.pk}/")
    assert response is not None and response.status == 404

    sign_in_as(page, base, "alice")
    page.goto(f"{base}/safeguarding/missing/{episode.pk}/")
    justify(page)
    assert page.inner_text("#interview").startswith("Held")
    assert "within the 72 hours" in page.inner_text("#interview")
    assert "Yes" in page.inner_text("#interview-independent")
    assert "Done" in page.inner_text("#record-tasks")
    shot(page, "police-episode-done")
    episode.refresh_from_db()
    assert episode.interview_status == InterviewStatus.DONE
    assert Task.objects.get().status == TaskStatus.DONE
    assert AuditEvent.objects.filter(action=Action.UPDATE, object_id=str(episode.pk),
                                     object_type="safeguarding.missingepisode",
                                     actor__username="dana").exists()
    assert violations == []


@override_settings(SAFEGUARDING_NOW=NOW, SAFEGUARDING_OVERRIDES={
    "local_authorities": AUTHORITIES})
def test_a_child_placed_from_elsewhere_is_acknowledged_by_the_host(
        live_server: Any, page: Any, agencies: dict[str, Agency]) -> None:
    child = make_child(agencies["police"], first_name="Robin", last_name="Synthetic",
                       district=Area.objects.get(ons_code="E07000199"))
    violations = csp_watch(page)
    base = live_server.url

    sign_in_as(page, base, "alice")
    page.goto(f"{base}/safeguarding/children/{child.pk}/edit/")
    justify(page)
    page.fill("#id_placing_authority", "Example Borough Council (test)")
    page.click("main form button[type=submit]")
    page.wait_for_selector(".messages")
    assert "County Children's Services (test) has been told of the placement" in \
        page.inner_text(".messages")
    assert "not yet acknowledged" in page.inner_text("#placing-authority")

    sign_in_as(page, base, "sasha")
    page.goto(f"{base}/safeguarding/tasks/")
    page.click("#task-inbox a:has-text('Child placed into the area')")
    justify(page, "Acknowledging a placement into the county")
    assert "Example Borough Council (test)" in page.inner_text("main")
    shot(page, "host-notification-task")
    page.click("#task-respond")
    page.check("input[name=answer][value=accept]")
    page.click("main form button[type=submit]")
    page.click("#task-record")
    page.fill("#id_host_acknowledged_on", "2026-03-03")
    page.click("main form button[type=submit]")
    page.wait_for_selector(".messages")
    assert "The task is done" in page.inner_text(".messages")

    sign_in_as(page, base, "alice")
    page.goto(f"{base}/safeguarding/children/{child.pk}/")
    justify(page)
    assert "acknowledged by the host authority on 3 Mar 2026" in page.inner_text(
        "#placing-authority")
    shot(page, "host-notification-child")
    assert violations == []
