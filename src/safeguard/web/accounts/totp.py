"""TOTP devices: the confirmed device, the QR code, and codes for the demo (enrolment
is by link: enrolment.py)."""

from __future__ import annotations

import time
from base64 import b32encode

import segno
from django.utils.safestring import SafeString, mark_safe
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import User

DEVICE_NAME = "authenticator"


def confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("id").first()


def secret_base32(device: TOTPDevice) -> str:
    """The secret as authenticator apps take it when typed in."""
    return b32encode(device.bin_key).decode("ascii").rstrip("=")


def grouped(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_svg(device: TOTPDevice) -> SafeString:
    """The otpauth:// URL as an inline SVG QR code (no script, no inline style: CSP)."""
    svg = segno.make(device.config_url, error="m").svg_inline(scale=5, border=2)
    return mark_safe(svg)  # segno's own markup from our URL, no user input


def current_code(device: TOTPDevice, at: float | None = None) -> str:
    """The code an authenticator shows now (demo helper and tests)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() if at is None else at
    return f"{totp.token():0{device.digits}d}"


def reset_devices(user: User) -> int:
    """Remove every device: the next sign-in enrols a new one."""
    deleted, _ = TOTPDevice.objects.filter(user=user).delete()
    return deleted
