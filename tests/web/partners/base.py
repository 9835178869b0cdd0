"""Partners fixtures: businesses and a session of alice's police agency, one shared with
bob's council, none for charlie's health agency; a live access code of known value.

    class ThingTests(PartnersTestCase):
        def test_it(self):
            self.login(self.alice)
            self.client.get(f"/partners/businesses/{self.business.pk}/")
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.test import override_settings

from safeguard.web.accounts.models import Agency
from safeguard.web.core.models import Area
from safeguard.web.partners import codes
from safeguard.web.partners.models import (
    AccessCode,
    Attendance,
    Business,
    CodeStatus,
    ConcernReport,
    Sector,
    TrainingSession,
)
from safeguard.web.safeguarding.reference import load_reference_data

from ..base import WebTestCase

NOW = "2026-03-03T10:00:00+00:00"
TODAY = date(2026, 3, 3)
# A fixed code for the tests: 25 characters of the alphabet.
CODE = "K7QD9XMP2RTAH4WNC8VEB3FGJ"
STOKE = "E06000021"


def make_business(agency: Agency, **fields: Any) -> Business:
    values: dict[str, Any] = {
        "name": "Testline Taxis", "sector": Sector.TAXI, "premises": "1 Test Street\nHanley",
        "postcode": "ST1 1AA", "district": Area.objects.get(ons_code=STOKE),
        "licence_number": "PHO-TEST-1",
    }
    values.update(fields)
    return Business.objects.create(owning_agency=agency, **values)


@override_settings(SAFEGUARDING_NOW=NOW)
class PartnersTestCase(WebTestCase):
    business: Business
    session: TrainingSession
    access: AccessCode

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        load_reference_data()
        cls.area = Area.objects.get(ons_code=STOKE)
        cls.business = make_business(cls.owner_agency)
        cls.session = TrainingSession.objects.create(
            owning_agency=cls.owner_agency, held_on=date(2026, 2, 10), trainer="PC Test",
            sector=Sector.TAXI, district=cls.area)
        Attendance.objects.create(session=cls.session, business=cls.business, staff_count=3,
                                  staff_names="Ann Example\nBen Example")
        cls.access = AccessCode.objects.create(business=cls.business,
                                               code_hash=codes.digest(CODE), hint=CODE[:5])

    def make_report(self, **fields: Any) -> ConcernReport:
        from django.utils import timezone

        values: dict[str, Any] = {
            "received_at": timezone.now(), "business": self.business,
            "code_status": CodeStatus.VALID,
            "what_happened": "REPORT-MARKER: a girl of about 14 got into a car.",
        }
        values.update(fields)
        return ConcernReport.objects.create(owning_agency=self.owner_agency, **values)
