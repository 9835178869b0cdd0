"""With the demo data: a partner supervisor who probes every register id (and police
records) sees none of the names of what was refused: not in the audit list, not on the
refusal pages, not in a search, an export or a message; and the log cannot tell an id
that exists from one that does not (the security review's finding 1)."""

from __future__ import annotations

import pytest
from django.test import override_settings

from safeguard.web.accounts.models import User
from safeguard.web.audit.models import Action, AuditEvent
from safeguard.web.core import policy
from safeguard.web.demo import seed
from safeguard.web.safeguarding.demo import seed_safeguarding_demo
from safeguard.web.safeguarding.models import AdultOfConcern, Child

from .base import WebTestCase

pytestmark = pytest.mark.slow


@override_settings(MODE="demo")
class DemoRefusalTests(WebTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        seed()
        seed_safeguarding_demo()

    def test_a_partner_supervisor_reads_no_refused_name_anywhere(self) -> None:
        supervisor = User.objects.get(username="city.supervisor")
        self.login(supervisor)
        visible = set(policy.visible_to_user(supervisor, Child).values_list("pk", flat=True))
        hidden_children = list(Child.objects.exclude(pk__in=visible)[:40])
        hidden_adults = list(AdultOfConcern.objects.exclude(
            pk__in=policy.visible_to_user(supervisor, AdultOfConcern).values("pk"))[:20])
        assert hidden_children and hidden_adults
        names = {str(c) for c in hidden_children} | {str(a) for a in hidden_adults}
        pages = []
        for child in hidden_children:
            pages.append(self.client.get(f"/safeguarding/children/{child.pk}/"))
        for adult in hidden_adults:
            pages.append(self.client.get(f"/safeguarding/adults/{adult.pk}/"))
            pages.append(self.client.get("/safeguarding/adults/", {"q": adult.last_name}))
        missing = self.client.get("/safeguarding/children/999999/")
        self.assertEqual({p.status_code for p in pages[::2]}, {404})
        # Refusal pages, search results: no name.
        for page in pages:
            body = page.content.decode()
            self.assertFalse([n for n in names if n in body])
        # The audit list, as the supervisor reads it.
        audit_page = self.client.get("/audit/?action=access_denied").content.decode()
        self.assertFalse([n for n in names if n in audit_page])
        refusals = AuditEvent.objects.filter(actor=supervisor, action=Action.ACCESS_DENIED)
        self.assertFalse(refusals.exclude(object_label="").exists())
        # One reason for an id that exists and one that does not.
        self.assertEqual({e.details["reason"] for e in refusals
                          if e.details.get("status") == 404}, {policy.NOT_FOUND_OR_NO_ACCESS})
        self.assertEqual(missing.status_code, 404)
