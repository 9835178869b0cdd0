"""Enrolling an authenticator through a single-use link from an administrator.

The link's page shows a fresh secret of its own (QR code and typed key) and asks for the
person's password and the code their app now shows; both right, the authenticator is
confirmed, the link is used up, and the person is signed in (and, with a temporary
password, sent to change it). A wrong password or code counts towards the lockout like
any failed sign-in, and the answer does not say which was wrong.
"""

from __future__ import annotations

from axes.handlers.proxy import AxesProxyHandler
from django import forms
from django.conf import settings
from django.contrib.auth import authenticate, logout
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from ...accounts import enrolment, totp
from ...accounts.forms import CodeForm
from ...accounts.lockout import lockout_response
from ...audit.events import record
from ...audit.models import Action
from ..ratelimit import record_anonymous
from .login import NO_AGENCY, complete_login

WRONG = "The password or the code is not right."


class EnrolForm(CodeForm):
    password = forms.CharField(strip=False, label="Your password", widget=forms.PasswordInput(
        attrs={"autocomplete": "current-password"}))
    field_order = ["password", "code"]


@sensitive_post_parameters("password", "code")
@require_http_methods(["GET", "POST"])
def enrol_view(request: HttpRequest, token: str) -> HttpResponse:
    link = enrolment.find(token)
    if link is None:
        record_anonymous(request, Action.ACCESS_DENIED, kind="enrol", reason="enrolment link "
                         "unknown, used or expired", path="/accounts/enrol/…", status=404)
        return render(request, "accounts/enrol_invalid.html", status=404)
    if request.user.is_authenticated:
        logout(request)  # someone else's session in this browser: not theirs to carry on
    user = link.user
    if AxesProxyHandler.is_locked(request, {"username": user.username}):
        return lockout_response(request)
    device = enrolment.device_for(link)
    form = EnrolForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        signed = authenticate(request, username=user.username,
                              password=form.cleaned_data["password"])
        if signed is not None and device.verify_token(form.cleaned_data["code"]):
            if user.agency is None or not user.agency.active:
                error = NO_AGENCY
            else:
                enrolment.complete(link, device)
                record(request, Action.UPDATE, user, actor=user, change="authenticator enrolled",
                       method="enrolment link")
                return complete_login(request, user, device)
        else:
            if signed is not None:  # a right password: the code counts as the failure
                user_login_failed.send(sender=__name__, request=request,
                                       credentials={"username": user.username})
            if getattr(request, "axes_locked_out", False):
                record(request, Action.LOCKOUT, actor=user, reason="enrolment failed")
                return lockout_response(request)
            record(request, Action.LOGIN_FAILED, actor=user, reason="enrolment failed")
            error = WRONG
    return render(request, "accounts/enrol.html", {
        "form": form,
        "error": error,
        "username": user.username,
        "qr": totp.qr_svg(device),
        "secret": totp.grouped(totp.secret_base32(device)),
        "issuer": settings.OTP_TOTP_ISSUER,
    }, status=400 if error else 200)
