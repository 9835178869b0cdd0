"""Facts already recorded about a child, offered as screening indicators to confirm.

The brief's risk factors (living in residential care, going missing repeatedly) and the
domain review's other signals (found with someone, an adult of concern linked, a notice
breach, a concern naming hotels, taxis or takeaways) are on the platform already: a
screening should not depend on the practitioner remembering them. Each fact carries its
provenance; a tool's indicator names the facts that suggest it (`suggested_by`); the form
shows the suggestion beside the unticked box and the practitioner decides.

Only records the user may open are read (need to know): a suggestion never reveals a
record the viewer could not open. Other apps add facts through `register()` (partners
adds its concern reports) so that this module does not import them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Q
from django.http import HttpRequest
from django.urls import reverse

from ..core import formats
from ..core.clock import local_date, now, today
from .conf import local_rules
from .models import (
    Child,
    Concern,
    ConcernStatus,
    CriminalExploitationDetail,
    CseDetail,
    HarmKind,
    Indicator,
    MissingEpisode,
    NoticeBreach,
    Placement,
    Relationship,
    WarningNotice,
)
from .need_to_know import visible_child_parts, visible_records
from .rules import is_repeat_missing
from .screening import FACTS


@dataclass(frozen=True)
class Fact:
    kind: str          # a key of screening.FACTS
    why: str           # what was recorded, in words
    on: date | None    # when it happened (None: a standing fact, e.g. the placement)
    url: str = ""

    def as_record(self, code: str, confirmed: bool) -> dict[str, object]:
        return {"code": code, "fact": self.kind, "why": self.why,
                "on": self.on.isoformat() if self.on else None, "confirmed": confirmed}


Provider = Callable[[HttpRequest, Child, date], Iterable[Fact]]
_PROVIDERS: list[Provider] = []


def register(provider: Provider) -> None:
    """Add a source of facts (called from another app's ready())."""
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)


def facts_for(request: HttpRequest, child: Child) -> list[Fact]:
    """The facts about `child` the user may see, within the window of the local rules."""
    since = today() - timedelta(days=local_rules().suggestion_window_days)
    found: list[Fact] = list(_register_facts(request, child, since))
    for provider in _PROVIDERS:
        found.extend(provider(request, child, since))
    for fact in found:
        if fact.kind not in FACTS:
            raise ValueError(f"unknown fact kind {fact.kind!r}")
    return found


def suggestions(indicators: Iterable[Indicator], facts: Iterable[Fact]) -> dict[str, list[Fact]]:
    """indicator code -> the facts that suggest it (only indicators with any)."""
    facts = list(facts)
    found: dict[str, list[Fact]] = {}
    for item in indicators:
        matching = [fact for fact in facts if fact.kind in item.suggested_by]
        if matching:
            found[item.code] = matching
    return found


def newer_than(facts: Iterable[Fact], day: date) -> list[Fact]:
    """Dated facts after `day` (the last screening): each prompts a review now."""
    return sorted((f for f in facts if f.on is not None and f.on > day),
                  key=lambda f: f.on or day)


def _url(name: str, pk: int) -> str:
    return reverse(f"safeguarding:{name}", args=[pk])


def _register_facts(request: HttpRequest, child: Child, since: date) -> Iterable[Fact]:
    if child.placement == Placement.RESIDENTIAL:
        yield Fact("placement-residential", "Placement: residential care (the child's record)",
                   None, _url("child_detail", child.pk))
    elif child.placement == Placement.BNB_HOSTEL:
        yield Fact("placement-bnb-hostel", "Placement: B&B or hostel (the child's record)",
                   None, _url("child_detail", child.pk))
    yield from _missing_facts(request, child, since)
    adults = child.linked_people.filter(
        Q(relationship=Relationship.ADULT_OF_CONCERN) | Q(adult__isnull=False))
    if adults.exists():
        yield Fact("adult-of-concern-linked", "An adult of concern is linked to the child",
                   None, _url("child_detail", child.pk))
    notices = visible_records(request, WarningNotice).filter(children=child)
    breaches = NoticeBreach.objects.filter(
        notice__in=notices, occurred_at__date__gte=since).filter(
        Q(child=child) | Q(child__isnull=True)).order_by("-occurred_at")
    for breach in breaches:
        yield Fact("notice-breach", f"Warning notice breach on {formats.day(breach.occurred_at)}",
                   local_date(breach.occurred_at), _url("notice_detail", breach.notice_id))
    concerns = visible_child_parts(request, Concern).filter(child=child,
                                                            status=ConcernStatus.OPEN)
    cse = set(CseDetail.objects.filter(concern__in=concerns).exclude(places="").values_list(
        "concern_id", flat=True))
    cce = set(CriminalExploitationDetail.objects.filter(concern__in=concerns).values_list(
        "concern_id", flat=True))
    for concern in concerns:
        yield Fact("harm-concern", f"{concern.get_kind_display()} concern of "
                   f"{formats.day(concern.identified_on)}", concern.identified_on,
                   _url("concern_detail", concern.pk))
        if concern.pk in cse:
            yield Fact("cse-concern-places", f"Exploitation concern of "
                       f"{formats.day(concern.identified_on)} names places", concern.identified_on,
                       _url("concern_detail", concern.pk))
        if concern.kind == HarmKind.CRIMINAL_EXPLOITATION or concern.pk in cce:
            yield Fact("criminal-exploitation-concern", f"Criminal exploitation concern of "
                       f"{formats.day(concern.identified_on)}", concern.identified_on,
                       _url("concern_detail", concern.pk))


def _missing_facts(request: HttpRequest, child: Child, since: date) -> Iterable[Fact]:
    rules = local_rules()
    episodes = list(visible_child_parts(request, MissingEpisode).filter(child=child)
                    .order_by("-reported_at"))
    recent = [e for e in episodes if local_date(e.reported_at) >= since]
    if recent:
        latest = recent[0]
        yield Fact("missing-recent", f"{len(recent)} missing episode(s) since "
                   f"{formats.day(since)}, the latest reported {formats.day(latest.reported_at)}",
                   local_date(latest.reported_at), _url("episode_detail", latest.pk))
    if is_repeat_missing([e.reported_at for e in episodes], now(),
                         rules.repeat_missing_episodes, rules.repeat_missing_days):
        yield Fact("repeat-missing", f"Repeat missing ({rules.repeat_missing_episodes} or more "
                   f"in {rules.repeat_missing_days} days)", None,
                   _url("child_detail", child.pk))
    for episode in recent:
        if episode.found_with.strip():
            found = episode.found_at or episode.reported_at
            yield Fact("found-with-adult", f"Found with {episode.found_with.strip()} on "
                       f"{formats.day(found)}", local_date(found),
                       _url("episode_detail", episode.pk))
