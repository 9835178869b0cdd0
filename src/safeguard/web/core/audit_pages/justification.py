"""Asking for the reason before a sensitive record opens (DPA 2018 Part 3 s62).

    def child_detail(request, pk):
        child = get_object_for(request, Child, pk)
        if (asked := require_justification(request, child)) is not None:
            return asked
        audit.record(request, audit.Action.VIEW, child)  # carries the reason given
        ...

The first look at a record in a session shows a form; the reason is recorded (justify)
and kept in the session for SAFEGUARD_JUSTIFICATION_MINUTES, during which later looks at
the same record proceed and their view events carry the same reason.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django import forms
from django.apps import apps
from django.core import signing
from django.db import models, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from ...audit.events import JUSTIFIED_SESSION_KEY, object_key, record, session_justification
from ...audit.models import Action

SIGNING_SALT = "safeguard.audit.justification"
MIN_LENGTH = 10


class JustificationForm(forms.Form):
    target = forms.CharField(widget=forms.HiddenInput)
    next = forms.CharField(widget=forms.HiddenInput)
    # Where Cancel goes: the page the user came from (kept across a refused reason).
    back = forms.CharField(widget=forms.HiddenInput, required=False)
    justification = forms.CharField(
        label="Why do you need to open this record?",
        min_length=MIN_LENGTH,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "autofocus": True}),
        help_text="Recorded in the audit log with your name and the time (DPA 2018 s62).",
    )


def require_justification(request: HttpRequest, obj: models.Model) -> HttpResponse | None:
    """None when a reason for `obj` is in force in this session; else the form page."""
    if session_justification(request, obj):
        return None
    target = signing.dumps([obj._meta.label_lower, str(obj.pk)], salt=SIGNING_SALT)
    here = request.get_full_path()
    back = _safe_local(request, request.META.get("HTTP_REFERER", ""))
    form = JustificationForm(initial={"target": target, "next": here,
                                      "back": back if back != here else ""})
    return _prompt(request, form, obj)


def _prompt(request: HttpRequest, form: JustificationForm, obj: models.Model,
            status: int = 200) -> HttpResponse:
    back = _safe_local(request, str(form["back"].value() or "")) or reverse("core:home")
    return render(request, "audit/justify.html", {"form": form, "object": obj, "back": back},
                  status=status)


def _safe_local(request: HttpRequest, url: str) -> str:
    """`url` as a path on this site ("/x/?y"), or "" for anything else."""
    if not url or not url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return ""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


@require_POST
def justify(request: HttpRequest) -> HttpResponse:
    form = JustificationForm(request.POST)
    # The policy decides again here, so that a forged target cannot record a reason for
    # a record the user may not open (the target is signed as well).
    obj = _target_object(request, str(form.data.get("target", "")))
    if not form.is_valid():
        return _prompt(request, form, obj, status=400)
    text = form.cleaned_data["justification"].strip()
    with transaction.atomic():
        record(request, Action.JUSTIFY, obj, text)
        justified = request.session.get(JUSTIFIED_SESSION_KEY, {})
        justified[object_key(obj)] = {"at": timezone.now().isoformat(), "text": text}
        request.session[JUSTIFIED_SESSION_KEY] = justified
    next_url = form.cleaned_data["next"]
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    return HttpResponseRedirect(next_url)


def _target_object(request: HttpRequest, target: str) -> models.Model:
    from ..policy import NoAccess, get_object_for

    try:
        label, pk = signing.loads(target, salt=SIGNING_SALT)
        model = apps.get_model(label)
    except (signing.BadSignature, ValueError, LookupError, TypeError):
        raise NoAccess(None, "bad justification target") from None
    return get_object_for(request, model, pk, need="read")
