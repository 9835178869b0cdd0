"""The children around a subject, kept from each referral; the subject who is a child.

    protect(actor, referral, subjects)   # in the referral's import transaction

- Every victim and intended recipient a referral names is kept (`ChildAtRisk`): a child
  to identify, with what the report says of them (name, age, screen name, the service's
  ID, place). Before this they were dropped on import.
- A named child whose address is the reported person's address is a child at the
  subject's address ("household"), as is a child on the force's own register whose
  recorded address is that address: access to children counts them
  (`Subject.household_children`), not only register links.
- Household children are referred to children's social care within
  `social_care_referral_hours` of receipt (social_care.py).
- A subject who is a child (the report gives an age or date of birth under 18, or marks
  the interaction as between minors) is put on the safeguarding route: status
  `safeguarding`, never the offender queue, and referred to social care himself.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from ..conf import intel_rules
from ..intake.auditing import Actor, record
from ..models import (
    OPEN_STATUSES,
    REFERRED_ROLES,
    ChildAtRisk,
    ChildRole,
    ChildStatus,
    Referral,
    Subject,
    SubjectStatus,
)
from .assessment import assess, subject_band

ADULT_AGE = 18
ANALYST_KEYS = ("occupation_access", "wider_access")


def _key(address: dict[str, str]) -> tuple[str, str]:
    """An address compared without case, spaces or punctuation: first line, postcode."""
    def clean(text: str) -> str:
        return re.sub(r"[^a-z0-9]", "", text.lower())
    return clean(address.get("address", "")), clean(address.get("zipCode", ""))


def _place(person: dict[str, Any]) -> str:
    for address in person.get("addresses", []):
        return ", ".join(v for k, v in address.items() if k != "type" and v)[:300]
    location = person.get("location") or {}
    return ", ".join(v for v in location.values() if v)[:300]


def _dob(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def subject_is_child(facts: dict[str, Any], incident: date) -> str:
    """Why the reported person is a child ("" if nothing says so)."""
    person = facts.get("subject") or {}
    if isinstance(person.get("age"), int) and person["age"] < ADULT_AGE:
        return f"the report gives the reported person's age as {person['age']}"
    if (born := _dob(person.get("date_of_birth"))) is not None:
        age = incident.year - born.year - ((incident.month, incident.day)
                                           < (born.month, born.day))
        if age < ADULT_AGE:
            return f"the report's date of birth makes the reported person {age}"
    if "minorToMinorInteraction" in facts.get("annotations", []):
        return "the service marked the interaction as between minors"
    return ""


def protect(actor: Actor, referral: Referral, subjects: Iterable[Subject]) -> list[str]:
    """Keep the children the referral names, route a child subject, assess the referral;
    messages for the importer."""
    facts = referral.facts or {}
    notes: list[str] = []
    for subject in subjects:
        made = _named_children(referral, subject, facts)
        made += _register_household(referral, subject, facts)
        why = subject_is_child(facts, referral.incident_at.date())
        if why:
            made.append(_child_subject(referral, subject, why))
        if made:
            subject.household_children = ChildAtRisk.objects.filter(
                subject=subject, role=ChildRole.HOUSEHOLD).count()
        assessment = assess(referral, subject)
        subject.band = subject_band(subject)
        fields = ["household_children", "band"]
        if why and not subject.is_child:
            subject.is_child = True
            fields.append("is_child")
        if subject.is_child and subject.status in OPEN_STATUSES:
            subject.status = SubjectStatus.SAFEGUARDING
            fields.append("status")
            notes.append(f"{subject.label} is a child ({why}): safeguarding route, not the "
                         "offender queue")
        subject.save(update_fields=fields)
        record(actor, "create", assessment, subject=subject.label, band=assessment.band,
               version=assessment.version, children=[str(c) for c in made])
    return notes


def _new(referral: Referral, subject: Subject, role: str, source: str,
         person: dict[str, Any], **extra: Any) -> ChildAtRisk:
    referred = role in REFERRED_ROLES
    due = (referral.received_at + timedelta(hours=intel_rules().social_care_referral_hours)
           if referred else None)
    return ChildAtRisk.objects.create(
        subject=subject, referral=referral, role=role,
        status=ChildStatus.TO_REFER if referred else ChildStatus.TO_IDENTIFY,
        first_name=str(person.get("first_name") or "")[:100],
        last_name=str(person.get("last_name") or "")[:100],
        age=person.get("age") if isinstance(person.get("age"), int) else None,
        date_of_birth=_dob(person.get("date_of_birth")),
        screen_name=str(person.get("screen_name") or "")[:200],
        service_id=str(person.get("esp_identifier") or "")[:200],
        place=_place(person), source=source[:300],
        # The subject's district is the household's; a victim or recipient elsewhere is
        # placed only when identified.
        district_id=referral.district_id if referred else None,
        recorded_at=referral.received_at, social_care_due_at=due, **extra)


def _named_children(referral: Referral, subject: Subject, facts: dict[str, Any]
                    ) -> list[ChildAtRisk]:
    homes = {_key(a) for a in (facts.get("subject") or {}).get("addresses", [])
             if any(_key(a))}
    made = []
    for role, key in ((ChildRole.VICTIM, "victims"), (ChildRole.RECIPIENT, "recipients")):
        for index, person in enumerate(facts.get(key, [])):
            age = person.get("age")
            if isinstance(age, int) and age >= ADULT_AGE:
                continue  # an adult victim or recipient: kept in the report, not here
            same = any(_key(a) in homes for a in person.get("addresses", []))
            words = "victim" if role == ChildRole.VICTIM else "intended recipient"
            if same:
                made.append(_new(referral, subject, ChildRole.HOUSEHOLD,
                                 f"the report: {words} {index + 1}, at the reported "
                                 "person's address", person))
            else:
                made.append(_new(referral, subject, role,
                                 f"the report: {words} {index + 1}", person))
    return made


def _register_household(referral: Referral, subject: Subject, facts: dict[str, Any]
                        ) -> list[ChildAtRisk]:
    """Children on the force's own register recorded at the reported person's address."""
    from ...safeguarding.models import Child

    made = []
    for address in (facts.get("subject") or {}).get("addresses", []):
        line, postcode = _key(address)
        if not line or not postcode:
            continue
        known = ChildAtRisk.objects.filter(subject=subject).values_list("register_child_id",
                                                                        flat=True)
        inward = str(address.get("zipCode", "")).strip()[-3:]
        for child in Child.objects.filter(owning_agency_id=referral.owning_agency_id,
                                          address__icontains=inward
                                          ).exclude(pk__in=[k for k in known if k]):
            if line in re.sub(r"[^a-z0-9]", "", child.address.lower()) and postcode in \
                    re.sub(r"[^a-z0-9]", "", child.address.lower()):
                made.append(_new(referral, subject, ChildRole.HOUSEHOLD,
                                 "the register: a child recorded at the reported person's "
                                 "address", {"first_name": child.first_name,
                                             "last_name": child.last_name,
                                             "date_of_birth": child.date_of_birth.isoformat()},
                                 register_child=child))
    return made


def _child_subject(referral: Referral, subject: Subject, why: str) -> ChildAtRisk:
    person = dict(facts_subject := (referral.facts or {}).get("subject") or {})
    person["addresses"] = facts_subject.get("addresses", [])
    return _new(referral, subject, ChildRole.SUBJECT, f"the report: {why}", person,
                note="The subject is a child: safeguarding, not enforcement.")


def reassess(subject: Subject) -> None:
    """After the subject's record changed (previous offences, a child): its referrals'
    assessments again, its band, and the safeguarding route for a child."""
    for assessment in subject.assessments.select_related("referral"):
        recorded = {a["key"]: (a["answer"], a["source"]) for a in assessment.answers
                    if a["key"] in ANALYST_KEYS and a["source"] != "not yet asked"}
        assess(assessment.referral, subject, recorded)
    subject.household_children = ChildAtRisk.objects.filter(
        subject=subject, role=ChildRole.HOUSEHOLD).count()
    subject.band = subject_band(subject)
    fields = ["household_children", "band"]
    if subject.is_child and subject.status in OPEN_STATUSES:
        subject.status = SubjectStatus.SAFEGUARDING
        fields.append("status")
    subject.save(update_fields=fields)
