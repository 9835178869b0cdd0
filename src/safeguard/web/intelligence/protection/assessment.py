"""The risk assessment of a referral and the time-to-action band it sets.

In the style of KIRAT (the Kent Internet Risk Assessment Tool that UK forces use for
online child sexual abuse referrals): the children the subject lives with or can reach
(household, occupation or role, friends' and neighbours' children), previous offences,
and the indicators of escalation (contact, production, sextortion, self-produced material
of a known child). Versioned like the register's screening tools: an assessment keeps
the version it was made with, and every answer names its source.

The band rules (VERSION) are the platform's own reading of HMICFRS's April 2023 finding
that forces graded high-risk referrals "low": a referral that names a child victim or
shows access to children is never graded below "days"; an escalation by the service,
sextortion, sadistic exploitation, harm to a child or an infant, or access to children
together with a named victim or an escalation indicator is "immediate". Illustrative
local rules, not a validated tool: the analyst's judgement decides, the band orders.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from ..conf import intel_rules
from ..models import BAND_RANK, Assessment, Band, Referral, Subject

VERSION = "online-risk/1"
REPORT = "the report"

# Indicators of escalation, from the report's and its files' annotations (NCMEC names).
ESCALATORS = {"sextortion": "sextortion", "sadisticOnlineExploitation":
              "sadistic online exploitation", "physicalHarm": "physical harm to a child",
              "infant": "an infant", "liveStreaming": "live-streamed abuse"}
RAISERS = {"csamSolicitation": "solicitation of abuse material"}


@dataclass(frozen=True)
class Answer:
    key: str
    question: str
    answer: Any          # None: not yet known
    source: str

    def as_dict(self) -> dict[str, Any]:
        return {"key": self.key, "question": self.question, "answer": self.answer,
                "shown": self.shown, "source": self.source}

    @property
    def shown(self) -> str:
        """The answer in words, for the page."""
        value = self.answer
        if value is None:
            return "not yet known"
        if isinstance(value, bool):
            return "yes" if value else "no"
        if isinstance(value, list):
            return ", ".join(str(v) for v in value) or "none"
        return str(value)


QUESTIONS = {
    "escalation": "Did the service escalate the report (immediate risk to a child)?",
    "household_children": "Children living at the subject's address",
    "child_victim": "Does the referral name a child victim?",
    "intended_recipient": "Does it name a child as an intended recipient?",
    "occupation_access": "Occupation or role with access to children",
    "wider_access": "Access to friends' or neighbours' children",
    "previous_offences": "Previous relevant offences (PNC)",
    "indicators": "Indicators of escalation (contact, production, sextortion, harm)",
    "self_produced_known_child": "Self-produced material of a child the referral names",
    "new_material": "Files in no hash set (possibly new abuse)",
    "prior_reports": "Earlier reports about the same account",
}


def answers_for(referral: Referral, subject: Subject, recorded: dict[str, Any] | None = None
                ) -> list[Answer]:
    """The assessment's answers: from the report, the subject's record, and what an
    analyst recorded (`recorded`: key -> (answer, source))."""
    facts = referral.facts or {}
    recorded = recorded or {}
    flags = set(facts.get("annotations", []))
    for item in facts.get("files", []):
        flags.update(item.get("annotations", []))
    victims = facts.get("victims", [])
    indicators = sorted(ESCALATORS[f] for f in flags if f in ESCALATORS) + sorted(
        RAISERS[f] for f in flags if f in RAISERS)
    unknown = referral.files.filter(file__hashset="").count()

    def given(key: str, default: Any, source: str) -> Answer:
        if key in recorded:
            value, by = recorded[key]
            return Answer(key, QUESTIONS[key], value, by)
        return Answer(key, QUESTIONS[key], default, source)

    return [
        Answer("escalation", QUESTIONS["escalation"], facts.get("escalation") or False,
               REPORT),
        given("household_children", subject.household_children,
              "children recorded at the subject's address"),
        Answer("child_victim", QUESTIONS["child_victim"], len(victims), REPORT),
        Answer("intended_recipient", QUESTIONS["intended_recipient"],
               len(facts.get("recipients", [])), REPORT),
        given("occupation_access", None, "not yet asked"),
        given("wider_access", None, "not yet asked"),
        Answer("previous_offences", QUESTIONS["previous_offences"],
               subject.previous_convictions, "the subject's record (PNC, by an analyst)"),
        Answer("indicators", QUESTIONS["indicators"], indicators,
               f"{REPORT}'s and its files' annotations"),
        Answer("self_produced_known_child", QUESTIONS["self_produced_known_child"],
               bool(victims) and "possibleSelfProduction" in flags, REPORT),
        Answer("new_material", QUESTIONS["new_material"], unknown,
               "the files matched against the hash sets"),
        Answer("prior_reports", QUESTIONS["prior_reports"],
               len(facts.get("prior_reports", [])), REPORT),
    ]


def grade(answers: list[Answer]) -> tuple[str, list[str]]:
    """The band and, in words, why."""
    a = {answer.key: answer.answer for answer in answers}
    access = bool(a["household_children"]) or bool(a["occupation_access"]) or bool(
        a["wider_access"])
    escalators = [i for i in a["indicators"] if i in ESCALATORS.values()]
    immediate = []
    if a["escalation"]:
        immediate.append("escalated by the service: "
                         f"{str(a['escalation'])[:200].rstrip('. ')}")
    if escalators:
        immediate.append("escalation indicators: " + ", ".join(escalators))
    if access and (a["child_victim"] or a["indicators"] or a["self_produced_known_child"]):
        immediate.append("access to children together with a named victim or an "
                         "escalation indicator")
    if immediate:
        return Band.IMMEDIATE, immediate
    days = []
    if a["household_children"]:
        days.append("children live at the subject's address")
    for key, words in (("child_victim", "names a child victim"),
                       ("intended_recipient", "names a child as intended recipient"),
                       ("occupation_access", "occupation or role with access to children"),
                       ("wider_access", "access to friends' or neighbours' children"),
                       ("previous_offences", "previous relevant offences"),
                       ("indicators", "indicators: " + ", ".join(a["indicators"])),
                       ("self_produced_known_child", "self-produced material of a named child"),
                       ("new_material", "files in no hash set"),
                       ("prior_reports", "earlier reports about the account")):
        if a[key]:
            days.append(words)
    if days:
        return Band.DAYS, days
    return Band.WEEKS, ["none of the questions raised it"]


def assess(referral: Referral, subject: Subject, recorded: dict[str, Any] | None = None
           ) -> Assessment:
    """Make or remake the referral's assessment (the band from its answers now)."""
    answers = answers_for(referral, subject, recorded)
    band, reasons = grade(answers)
    due = referral.received_at + timedelta(hours=intel_rules().hours_for(band))
    assessment, _ = Assessment.objects.update_or_create(referral=referral, defaults={
        "subject": subject, "version": VERSION,
        "answers": [answer.as_dict() for answer in answers], "reasons": reasons,
        "band": band, "received_at": referral.received_at, "action_due_at": due})
    return assessment


def subject_band(subject: Subject) -> str:
    """The most urgent band among the subject's assessments not yet acted on; else the
    latest one's."""
    open_bands = list(subject.assessments.filter(actioned_at__isnull=True).values_list(
        "band", flat=True))
    if open_bands:
        return max(open_bands, key=lambda band: BAND_RANK.get(band, 0))
    latest = subject.assessments.order_by("-received_at", "-pk").first()
    return latest.band if latest is not None else ""
