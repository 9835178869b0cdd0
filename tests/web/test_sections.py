"""One rule for the platform's sections (policy.SECTIONS): a section a user's agency or
role may not use answers 403 on its pages, the home page offers exactly the sections
that open, and a refusal is one line on the console, not a traceback."""

from __future__ import annotations

import logging

from safeguard.web.accounts.models import Role
from safeguard.web.core.policy import SECTIONS, may_open

from .base import WebTestCase, make_user
from .records.models import CaseNote

INDEX = {
    "register": "/safeguarding/",
    "investigations": "/investigations/",
    "intelligence": "/intelligence/",
    "partners": "/partners/",
    "statistics": "/statistics/",
    "audit": "/audit/",
    "retention": "/retention/",
}


class SectionTests(WebTestCase):
    def people(self) -> list:
        return [self.alice, self.bob, self.charlie,
                make_user("ana", self.partner_agency, Role.ANALYST),
                make_user("sue", self.owner_agency, Role.SUPERVISOR),
                make_user("rev", self.owner_agency, Role.IMAGE_REVIEWER),
                make_user("adm", self.outsider_agency, Role.ADMINISTRATOR)]

    def test_every_section_answers_by_the_one_rule(self) -> None:
        self.assertEqual(set(INDEX), set(SECTIONS))
        for person in self.people():
            self.login(person)
            home = self.client.get("/")
            for name, url in INDEX.items():
                with self.subTest(user=person.username, section=name):
                    expected = 200 if may_open(person, name) else 403
                    self.assertEqual(self.client.get(url).status_code, expected)
                    self.assertEqual(f'href="{url}"' in home.content.decode(),
                                     expected == 200)

    def test_a_partner_without_shares_is_refused_the_police_sections_alike(self) -> None:
        self.set_role(self.bob, Role.SUPERVISOR)
        self.login(self.bob)
        self.assertEqual(self.client.get("/investigations/").status_code, 403)
        self.assertEqual(self.client.get("/intelligence/").status_code, 403)
        self.assertEqual(self.client.get("/intelligence/subjects/1/").status_code, 403)

    def test_a_refusal_is_one_line_on_the_console(self) -> None:
        self.login(self.charlie)
        note = CaseNote.objects.create(owning_agency=self.owner_agency, title="x")
        with self.assertLogs("django.request", level="WARNING") as logs:
            self.client.get(f"/records/{note.pk}/")
            self.client.get("/intelligence/")
        self.assertEqual(len(logs.records), 2)
        for record in logs.records:
            formatted = logging.Formatter().format(record)
            self.assertNotIn("Traceback", formatted)
            self.assertEqual(len(formatted.splitlines()), 1)
