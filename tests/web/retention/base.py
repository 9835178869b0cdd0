"""Retention fixtures: supervisors of the owning police agency (sam) and of the partner
council (pat), and factories for records whose clocks are set back in time.

    class Tests(RetentionTestCase):
        def test_it(self):
            child = self.old_child(born=date(1990, 1, 1), changed=date(2015, 1, 1))
            self.assertEqual(self.due_ids("child"), {child.pk})

"Today" is the register's clock (SAFEGUARDING_NOW), fixed at NOW; `on(day)` moves it.
Timestamps Django sets itself (created_at, updated_at) are set back with update().
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from django.db import models
from django.test import override_settings
from django.utils import timezone

from safeguard.web.accounts.models import Agency, Role, User
from safeguard.web.core.clock import today
from safeguard.web.core.models import Area
from safeguard.web.intelligence.models import Subject
from safeguard.web.partners.models import ConcernReport, ConcernStatus
from safeguard.web.retention.conf import retention_schedule
from safeguard.web.retention.decisions import due_records
from safeguard.web.retention.kinds import KINDS
from safeguard.web.safeguarding.models import Child
from safeguard.web.safeguarding.reference import load_reference_data

from ..base import WebTestCase, make_user

NOW = "2026-03-03T12:00:00+00:00"
TODAY = date(2026, 3, 3)
REASON = "Reviewed at the quarterly retention meeting with the DPO"
NAME = "Zebedee Retentiontest"


def local(day: date, hour: int = 12, minute: int = 0) -> datetime:
    """An aware moment on `day`, local (Europe/London) time."""
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def on(day: date) -> override_settings:
    """The register's clock on `day` (noon, local)."""
    return override_settings(SAFEGUARDING_NOW=local(day).isoformat())


def set_back(obj: models.Model, moment: datetime, *fields: str) -> None:
    names = fields or ("created_at", "updated_at")
    type(obj)._default_manager.filter(pk=obj.pk).update(**dict.fromkeys(names, moment))


@override_settings(SAFEGUARDING_NOW=NOW)
class RetentionTestCase(WebTestCase):
    sam: User
    pat: User
    area: Area

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        load_reference_data()
        cls.area = Area.objects.get(ons_code="E06000021")
        cls.sam = make_user("sam", cls.owner_agency, Role.SUPERVISOR)
        cls.pat = make_user("pat", cls.partner_agency, Role.SUPERVISOR)

    def old_child(self, born: date = date(1990, 1, 1), changed: date = date(2015, 1, 1),
                  agency: Agency | None = None, **fields: Any) -> Child:
        values: dict[str, Any] = {"first_name": "Zebedee", "last_name": "Retentiontest",
                                  "date_of_birth": born, "gender": "male",
                                  "district": self.area}
        values.update(fields)
        child = Child.objects.create(owning_agency=agency or self.owner_agency, **values)
        set_back(child, local(changed))
        child.refresh_from_db()
        return child

    def closed_report(self, closed: date | None, agency: Agency | None = None) -> ConcernReport:
        report = ConcernReport.objects.create(
            owning_agency=agency or self.owner_agency, received_at=local(date(2019, 1, 1)),
            code_status="valid", what_happened="Two girls collected late at night",
            status=ConcernStatus.CLOSED if closed else ConcernStatus.NEW,
            closed_at=local(closed) if closed else None)
        return report

    def quiet_subject(self, last: date, **fields: Any) -> Subject:
        subject = Subject.objects.create(owning_agency=self.owner_agency,
                                         last_seen_at=local(last), **fields)
        set_back(subject, local(last), "created_at")
        return subject

    def due_ids(self, key: str, agency: Agency | None = None) -> set[int]:
        """The ids due today, by the query; the Python review dates must agree."""
        kind, schedule, day = KINDS[key], retention_schedule(), today()
        agency_id = (agency or self.owner_agency).pk
        rows = due_records(kind, agency_id, day, schedule)
        by_query = set(kind.due(agency_id, day, schedule).values_list("pk", flat=True))
        self.assertEqual({row.obj.pk for row in rows}, by_query,
                         "the query and the review dates disagree")
        for row in rows:
            self.assertLessEqual(row.due_on, day)
        return by_query
