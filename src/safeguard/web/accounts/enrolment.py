"""Enrolment links: how a person gets an authenticator onto their account.

    token = enrolment.issue(user, by=admin)      # shown once, to the administrator
    link = enrolment.find(token)                 # None: unknown, used or expired
    device = enrolment.device_for(link)          # the link's own fresh secret
    enrolment.complete(link, device)             # the account's only authenticator now

Issuing a link ends the person's earlier unused links; completing one replaces any
device the account had.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import EnrolmentLink, User
from .totp import DEVICE_NAME


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def issue(user: User, by: User | None) -> str:
    """A new link for `user` (earlier unused ones end now); returns its token."""
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        EnrolmentLink.objects.filter(user=user, used_at__isnull=True,
                                     expires_at__gt=now).update(expires_at=now)
        EnrolmentLink.objects.create(
            user=user, digest=_digest(token), created_at=now, created_by=by,
            expires_at=now + timedelta(hours=settings.ENROLMENT_LINK_HOURS))
    return token


def find(token: str) -> EnrolmentLink | None:
    """The link if it is in force: unused, unexpired, for an active person."""
    link = (EnrolmentLink.objects.select_related("user", "user__agency", "device")
            .filter(digest=_digest(token)).first())
    if link is None or link.used_at is not None or link.expires_at <= timezone.now():
        return None
    return link if link.user.is_active else None


def device_for(link: EnrolmentLink) -> TOTPDevice:
    """The secret this link enrols: made when the link is first opened, the same on a
    reload (a code already scanned stays good), never shared with another link."""
    if link.device is None:
        link.device = TOTPDevice.objects.create(user=link.user, name=DEVICE_NAME,
                                                confirmed=False)
        link.save(update_fields=["device"])
    return link.device


def complete(link: EnrolmentLink, device: TOTPDevice) -> None:
    """The link's device becomes the account's one authenticator; the link is used."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=link.user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        link.used_at = timezone.now()
        link.save(update_fields=["used_at"])
