"""Telling children's social care: a referral for every child at the subject's address
(and for a subject who is a child), within `social_care_referral_hours` of receipt.

    refer(actor, child_at_risk)        # -> a message; the ChildAtRisk is stamped

The referral is the register's own (safeguarding.Referral, owned by the force): the
child is found on the force's register (same name and date of birth) or recorded there,
and the referral goes to the front door of the local authority of the child's district
through the platform's hand-offs (safeguarding.handoffs.route_referral: a
"referral decision" task for the council, due in one working day). The council sees the
minimum of the record the task needs (need to know), as for any agency's referral.

Only a person refers: an import by the API or the command line leaves the child "to
refer" with its clock running, and the subject's page offers the referral.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction

from ...core.clock import local_date, now
from ..intake.auditing import Actor, record
from ..models import ChildAtRisk, ChildStatus

HIGH = ("immediate",)


def _date_of_birth(child: ChildAtRisk) -> tuple[date | None, str]:
    if child.date_of_birth is not None:
        return child.date_of_birth, ""
    if child.age is not None:
        # The report gives an age only: a date of birth estimated from it (mid-year), said
        # so on the record for the council to correct.
        seen = local_date(child.recorded_at)
        return (seen.replace(year=seen.year - child.age) - timedelta(days=182),
                f"Date of birth estimated from the age given ({child.age}).")
    return None, ""


def refer(actor: Actor, child: ChildAtRisk) -> str:
    """Refer `child` to children's social care now; the message to show."""
    from ...safeguarding.conf import local_rules
    from ...safeguarding.handoffs import route_referral
    from ...safeguarding.models import Child, Gender, Rag, Referral
    from ...safeguarding.rules import referral_decision_due

    if actor.user is None or actor.request is None:
        return f"{child}: to refer to children's social care (a person refers)"
    if child.status == ChildStatus.REFERRED:
        return f"{child}: already referred"
    district_id = child.district_id or (child.referral.district_id if child.referral
                                        else None)
    born, estimated = _date_of_birth(child)
    if district_id is None or born is None:
        missing = "district" if district_id is None else "date of birth or age"
        return f"{child}: not referred automatically: no {missing}; refer by hand"
    report = child.referral.report_id if child.referral else "an analyst's record"
    with transaction.atomic():
        register = child.register_child
        if register is None:
            register = Child.objects.filter(
                owning_agency=actor.agency, first_name__iexact=child.first_name,
                last_name__iexact=child.last_name, date_of_birth=born).first() \
                if child.first_name and child.last_name else None
        if register is None:
            register = Child.objects.create(
                owning_agency=actor.agency, created_by=actor.user,
                first_name=child.first_name or "Unknown",
                last_name=child.last_name or f"(referral {report})",
                date_of_birth=born, gender=Gender.NOT_KNOWN, district_id=district_id,
                address=child.place,
                notes=" ".join(filter(None, (
                    f"Recorded by police intelligence: {child.get_role_display().lower()} "
                    f"(online referral {report}).", estimated))))
            record(actor, "create", register, source="intelligence", referral=report)
        received = now()
        band = child.subject.band
        referral = Referral.objects.create(
            owning_agency=actor.agency, created_by=actor.user, child=register,
            received_at=received,
            referrer=f"{actor.agency} online child abuse intelligence (referral {report})",
            concern=(f"{child.get_role_display()}. The force holds an online child sexual "
                     f"abuse referral ({report}) about a person at this child's address; "
                     f"its risk band is {band or 'not yet assessed'}. Details from the "
                     "police on request (need to know)."
                     if child.role != "subject" else
                     f"The subject of an online referral ({report}) is a child: "
                     "safeguarding route, not enforcement."),
            rag=Rag.RED if band in HIGH else Rag.AMBER,
            decision_due=referral_decision_due(local_date(received), local_rules().working))
        record(actor, "create", referral, source="intelligence", referral=report)
        routed = route_referral(actor.request, referral, actor.user)
        child.register_child, child.social_care_referral = register, referral
        child.status, child.referred_at = ChildStatus.REFERRED, received
        child.save(update_fields=["register_child", "social_care_referral", "status",
                                  "referred_at"])
    return f"{child}: referred to children's social care. {routed}"


def refer_all(actor: Actor, children: list[ChildAtRisk]) -> list[str]:
    return [refer(actor, child) for child in children]
