"""The three-person base test case (style.md): an owner, a read-only partner, an outsider.

    class NoteDetailTests(WebTestCase):
        def setUp(self):
            self.note = CaseNote.objects.create(owning_agency=self.owner_agency, title="n")
            self.share_with(self.note)                 # bob's agency may read it
            self.url = f"/records/{self.note.pk}/"

        def test_it_hides_the_record_from_an_outsider(self):
            self.login(self.charlie)
            self.assertEqual(self.client.get(self.url).status_code, 404)
            self.assertAudited("access_denied", self.note, actor=self.charlie)

- alice: investigator of the owning agency (Staffordshire Police (test))
- bob: practitioner of the partner agency (a council), read-only through a share
- charlie: practitioner of a third agency (health), no access
Each has a confirmed TOTP device. `login()` is the fast way in (a session with the
second factor verified); `login_through_forms()` walks the real password and code pages.
"""

from __future__ import annotations

import time
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.http import HttpResponse
from django.test import TestCase
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from safeguard.web.accounts import totp
from safeguard.web.accounts.models import Agency, AgencyKind, Role, User
from safeguard.web.audit.events import JUSTIFIED_SESSION_KEY, object_key
from safeguard.web.audit.models import AuditEvent
from safeguard.web.core.models import Share
from safeguard.web.middleware import LAST_ACTIVITY_KEY

PASSWORD = "correct-horse-battery-2026"


def make_user(
    username: str, agency: Agency | None, role: str, *, enrolled: bool = True, **fields: Any
) -> User:
    user = User(username=username, agency=agency, role=role, email=f"{username}@example.org",
                first_name=username.capitalize(), **fields)
    user.set_password(PASSWORD)
    user.save()
    if enrolled:
        TOTPDevice.objects.create(user=user, name=totp.DEVICE_NAME, confirmed=True)
    return user


def code_for(user: User) -> str:
    """The code the user's authenticator shows now. The device forgets the last code
    used, so that two sign-ins inside one 30-second step both pass."""
    device = totp.confirmed_device(user)
    assert device is not None, f"{user.username} has no authenticator"
    return code_of(device)


def code_of(device: TOTPDevice) -> str:
    """The code `device` shows now, usable even if a code of this step was used."""
    device.last_t = -1
    device.save(update_fields=["last_t"])
    return totp.current_code(device)


class WebTestCase(TestCase):
    owner_agency: Agency
    partner_agency: Agency
    outsider_agency: Agency
    alice: User
    bob: User
    charlie: User

    @classmethod
    def setUpTestData(cls) -> None:
        cls.owner_agency = Agency.objects.create(
            name="Staffordshire Police (test)", kind=AgencyKind.POLICE
        )
        cls.partner_agency = Agency.objects.create(
            name="Stoke-on-Trent City Council (test)", kind=AgencyKind.CHILDRENS_SOCIAL_CARE
        )
        cls.outsider_agency = Agency.objects.create(
            name="Integrated Care Board (test)", kind=AgencyKind.HEALTH
        )
        cls.alice = make_user("alice", cls.owner_agency, Role.INVESTIGATOR)
        cls.bob = make_user("bob", cls.partner_agency, Role.PRACTITIONER)
        cls.charlie = make_user("charlie", cls.outsider_agency, Role.PRACTITIONER)

    # Signing in -------------------------------------------------------------------

    def login(self, user: User) -> None:
        """Signed in with both factors, without the pages (fast)."""
        self.client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        session = self.client.session
        device = totp.confirmed_device(user)
        assert device is not None, f"{user.username} has no authenticator"
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session[LAST_ACTIVITY_KEY] = time.time()
        session.save()

    def login_through_forms(self, user: User, password: str = PASSWORD) -> HttpResponse:
        """The password page, then the code page; returns the code page's response."""
        response = self.client.post(
            "/accounts/login/", {"username": user.username, "password": password}
        )
        assert response.status_code == 302, response.content.decode()
        return self.client.post("/accounts/login/code/", {"code": code_for(user)})

    def code_for(self, user: User) -> str:
        return code_for(user)

    def set_role(self, user: User, role: str) -> None:
        user.role = role
        user.save(update_fields=["role"])

    # Reasons (DPA 2018 s62) ---------------------------------------------------------

    # The reason `justify` gives unless told; each area's base case names its own.
    reason = "Strategy meeting preparation"

    def justify(self, obj: models.Model, text: str | None = None) -> None:
        """A reason already in force for `obj` in this session, as the prompt leaves it
        (the prompt itself: `justify_through_form`, tests/web/test_justification.py)."""
        session = self.client.session
        justified = session.get(JUSTIFIED_SESSION_KEY, {})
        justified[object_key(obj)] = {"at": timezone.now().isoformat(),
                                      "text": self.reason if text is None else text}
        session[JUSTIFIED_SESSION_KEY] = justified
        session.save()

    def justify_through_form(self, url: str, reason: str) -> HttpResponse:
        """Open `url`, which asks for a reason first, and answer the prompt; returns the
        answer's response."""
        prompt = self.client.get(url)
        self.assertContains(prompt, 'id="justification"')
        return self.client.post("/audit/justify/", {
            "target": prompt.context["form"]["target"].value(),
            "next": url,
            "justification": reason,
        })

    # Records ----------------------------------------------------------------------

    def share_with(self, obj: models.Model, agency: Agency | None = None,
                   reason: str = "strategy meeting") -> Share:
        """Share `obj` read-only with `agency` (bob's by default), without the audit."""
        return Share.objects.create(
            content_type=ContentType.objects.get_for_model(obj),
            object_id=obj.pk,
            agency=agency or self.partner_agency,
            reason=reason,
            shared_by=self.alice,
        )

    # Audit ------------------------------------------------------------------------

    def audit_events(self, action: str | None = None,
                     obj: models.Model | None = None) -> models.QuerySet[AuditEvent]:
        events = AuditEvent.objects.order_by("sequence")
        if action is not None:
            events = events.filter(action=action)
        if obj is not None:
            events = events.for_object(obj)
        return events

    def last_event(self) -> AuditEvent:
        event = AuditEvent.objects.order_by("-sequence").first()
        assert event is not None, "no audit events"
        return event

    def assertAudited(
        self, action: str, obj: models.Model | None = None, *, actor: User | None = None,
        **details: Any,
    ) -> AuditEvent:
        """The latest event of `action` (about `obj`, by `actor`) exists and has `details`."""
        events = self.audit_events(action, obj)
        if actor is not None:
            events = events.filter(actor=actor)
        event = events.last()
        self.assertIsNotNone(event, f"no {action!r} audit event for {obj!r} by {actor!r}")
        assert event is not None
        for key, value in details.items():
            self.assertEqual(event.details.get(key), value, f"details[{key!r}]")
        return event

    def assertNotAudited(
        self, action: str, obj: models.Model | None = None
    ) -> None:
        self.assertFalse(self.audit_events(action, obj).exists(), f"unexpected {action!r} event")
