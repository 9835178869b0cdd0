"""What every review page shares: the reviewer's welfare preferences and the exposure
timer's key."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.crypto import salted_hmac

from ...accounts.models import User
from ..conf import ReviewRules, review_rules
from ..models import Category, ReviewerPreferences

GRADE_KEYS = [("A", Category.A), ("B", Category.B), ("C", Category.C),
              ("N", Category.NOT_INDECENT)]


def preferences_of(user: User, rules: ReviewRules | None = None) -> ReviewerPreferences:
    """The reviewer's preferences, or the defaults (not stored until they change them)."""
    found = ReviewerPreferences.objects.filter(user=user).first()
    if found is not None:
        return found
    rules = rules or review_rules()
    return ReviewerPreferences(user=user, break_minutes=rules.break_minutes)


def exposure_key(request: HttpRequest) -> str:
    """A key for this sign-in's viewing time in the browser's storage: derived from the
    session (a new sign-in starts at zero) without revealing the session key."""
    session_key = request.session.session_key or ""
    return salted_hmac("safeguard.review.exposure", session_key).hexdigest()[:20]


def _query_without(request: HttpRequest, name: str) -> str:
    kept = request.GET.copy()
    kept.pop(name, None)
    return f"?{kept.urlencode()}" if kept else ""


def may_correct(user: User, rules: ReviewRules | None = None) -> bool:
    """Whether the user's role may correct a final category (review.toml)."""
    return user.role in (rules or review_rules()).correction_roles


def may_settle(user: User, rules: ReviewRules | None = None) -> bool:
    """Whether the user's role may settle a disputed category (review.toml)."""
    return user.role in (rules or review_rules()).senior_roles


def welfare_context(request: HttpRequest, user: User) -> dict[str, Any]:
    rules = review_rules()
    prefs = preferences_of(user, rules)
    return {
        "rules": rules,
        "preferences": prefs,
        "exposure_key": exposure_key(request),
        "grade_keys": GRADE_KEYS,
        "may_correct": may_correct(user, rules),
        "may_settle": may_settle(user, rules),
        # Where a card's plain grade form comes back to (not revealing anything again).
        "here": request.path + _query_without(request, "reveal"),
    }
