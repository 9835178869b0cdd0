"""Harms: a Concern on a child (kind, status, dates) with one detail model per kind.

Why a base model and detail models, not a JSON blob: each kind's fields are real columns
with their own validation (a conclusive grounds decision needs a positive reasonable
grounds decision first), forms come from the models, and the overdue FGM report is a
plain query. DETAILS maps a kind to its model; "missing" has none (its facts are the
child's missing episodes).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models

from ...core.models import Recorded


class HarmKind(models.TextChoices):
    CSE = "cse", "Child sexual exploitation"
    TRAFFICKING = "trafficking", "Trafficking and modern slavery"
    MISSING = "missing", "Missing"
    FGM = "fgm", "Female genital mutilation"
    HONOUR_BASED = "honour_based", "Honour-based abuse"
    FORCED_MARRIAGE = "forced_marriage", "Forced marriage"
    CRIMINAL_EXPLOITATION = "criminal_exploitation", "Gangs and criminal exploitation"


class ConcernStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class Concern(Recorded):
    child = models.ForeignKey("safeguarding.Child", on_delete=models.PROTECT,
                              related_name="concerns")
    kind = models.CharField(max_length=32, choices=HarmKind.choices)
    status = models.CharField(max_length=16, choices=ConcernStatus.choices,
                              default=ConcernStatus.OPEN)
    identified_on = models.DateField(help_text="When the concern became known.")
    closed_on = models.DateField(null=True, blank=True)
    summary = models.TextField()

    class Meta:
        ordering = ["-identified_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} concern about {self.child}"

    def clean(self) -> None:
        if self.status == ConcernStatus.CLOSED and self.closed_on is None:
            raise ValidationError({"closed_on": "A closed concern needs the date it closed."})
        if self.closed_on and self.identified_on and self.closed_on < self.identified_on:
            raise ValidationError({"closed_on": "It closed before it was identified."})

    @property
    def detail(self) -> models.Model | None:
        model = DETAILS.get(self.kind)
        if model is None:
            return None
        return model._default_manager.filter(concern=self).first()


class Detail(models.Model):
    concern = models.OneToOneField(Concern, on_delete=models.CASCADE, primary_key=True,
                                   related_name="+")

    class Meta:
        abstract = True


class CseDetail(Detail):
    online = models.BooleanField("online element", default=False)
    places = models.CharField(max_length=300, blank=True,
                              help_text="Hotels, taxi firms, takeaways or other places involved.")
    associates = models.TextField(blank=True, help_text="People or groups linked to the concern.")


class TraffickingType(models.TextChoices):
    SEXUAL = "sexual", "Sexual exploitation"
    CRIMINAL = "criminal", "Criminal exploitation"
    LABOUR = "labour", "Labour exploitation"
    DOMESTIC = "domestic", "Domestic servitude"
    OTHER = "other", "Other"


class Decision(models.TextChoices):
    PENDING = "pending", "Awaited"
    POSITIVE = "positive", "Positive"
    NEGATIVE = "negative", "Negative"


class TraffickingDetail(Detail):
    exploitation = models.CharField(max_length=16, choices=TraffickingType.choices)
    nrm_referred_on = models.DateField("NRM referral date", null=True, blank=True)
    nrm_reference = models.CharField("NRM reference", max_length=40, blank=True)
    reasonable_grounds = models.CharField(max_length=16, choices=Decision.choices,
                                          default=Decision.PENDING)
    reasonable_grounds_on = models.DateField("reasonable grounds decision date", null=True,
                                             blank=True)
    conclusive_grounds = models.CharField(max_length=16, choices=Decision.choices,
                                          default=Decision.PENDING)
    conclusive_grounds_on = models.DateField("conclusive grounds decision date", null=True,
                                             blank=True)

    def clean(self) -> None:
        errors: dict[str, str] = {}
        for field in ("reasonable_grounds", "conclusive_grounds"):
            decided = getattr(self, field) != Decision.PENDING
            dated = getattr(self, f"{field}_on") is not None
            if decided and not dated:
                errors[f"{field}_on"] = "Give the date of the decision."
            if dated and not decided:
                errors[field] = "A dated decision cannot be awaited: choose positive or negative."
        if self.reasonable_grounds != Decision.PENDING and self.nrm_referred_on is None:
            errors["nrm_referred_on"] = "A decision follows a referral: give the referral date."
        if self.conclusive_grounds != Decision.PENDING and (
            self.reasonable_grounds != Decision.POSITIVE
        ):
            errors["conclusive_grounds"] = (
                "A conclusive grounds decision follows a positive reasonable grounds decision."
            )
        ref, rg, cg = self.nrm_referred_on, self.reasonable_grounds_on, self.conclusive_grounds_on
        if ref and rg and rg < ref:
            errors["reasonable_grounds_on"] = "The decision is dated before the referral."
        if rg and cg and cg < rg:
            errors["conclusive_grounds_on"] = (
                "The conclusive grounds decision is dated before the reasonable grounds one."
            )
        if errors:
            raise ValidationError(errors)


class ProtectionOrder(models.TextChoices):
    NONE = "none", "None"
    APPLIED = "applied", "Applied for"
    GRANTED = "granted", "Granted"
    REFUSED = "refused", "Refused"


class OrderDetail(Detail):
    protection_order = models.CharField(max_length=16, choices=ProtectionOrder.choices,
                                        default=ProtectionOrder.NONE)
    order_applied_on = models.DateField(null=True, blank=True)
    order_granted_on = models.DateField(null=True, blank=True)
    order_expires_on = models.DateField(null=True, blank=True)

    class Meta:
        abstract = True

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.protection_order in (ProtectionOrder.APPLIED, ProtectionOrder.GRANTED,
                                     ProtectionOrder.REFUSED) and not self.order_applied_on:
            errors["order_applied_on"] = "Give the date the order was applied for."
        if self.protection_order == ProtectionOrder.GRANTED and not self.order_granted_on:
            errors["order_granted_on"] = "Give the date the order was granted."
        if self.order_granted_on and self.order_applied_on and (
            self.order_granted_on < self.order_applied_on
        ):
            errors["order_granted_on"] = "Granted before it was applied for."
        if errors:
            raise ValidationError(errors)


class FgmCase(models.TextChoices):
    KNOWN = "known", "Known: FGM has been carried out"
    AT_RISK = "at_risk", "At risk of FGM"
    SUSPECTED = "suspected", "Suspected, not confirmed"


class FgmHowKnown(models.TextChoices):
    DISCLOSED = "disclosed", "The girl told the professional"
    OBSERVED = "observed", "The professional observed physical signs"
    OTHER = "other", "Otherwise (a parent or another professional said)"


class ReporterProfession(models.TextChoices):
    HEALTH = "health", "Regulated health professional"
    SOCIAL_CARE = "social_care", "Regulated social care professional"
    TEACHER = "teacher", "Teacher"
    OTHER = "other", "Other"


class FgmDetail(OrderDetail):
    """FGM: the mandatory report to police (FGM Act 2003 s5B) by the end of the next
    working day after it became known, one month at most. The duty is a regulated health
    or social care professional's or teacher's, personally, in a known case (the girl
    said so, or they saw the signs) in a girl under 18: not at-risk or suspected cases."""

    case_type = models.CharField("FGM case", max_length=16, choices=FgmCase.choices,
                                 default=FgmCase.KNOWN)
    how_known = models.CharField(max_length=16, choices=FgmHowKnown.choices, blank=True)
    reporter_name = models.CharField(
        "identified by", max_length=200, blank=True,
        help_text="The professional who identified it (the duty to report is personal).")
    reporter_profession = models.CharField(max_length=16, choices=ReporterProfession.choices,
                                           blank=True)
    reported_to_police_on = models.DateField(null=True, blank=True)
    police_reference = models.CharField(max_length=40, blank=True)


class ForcedMarriageDetail(OrderDetail):
    travel_planned = models.BooleanField("travel abroad planned", default=False)
    intended_spouse = models.CharField(max_length=200, blank=True)


class HonourBasedDetail(Detail):
    linked_people = models.TextField(blank=True, help_text="Family or community members involved.")
    places = models.CharField(max_length=300, blank=True)


class CriminalExploitationDetail(Detail):
    county_lines = models.BooleanField(default=False)
    drugs = models.BooleanField("drugs involved", default=False)
    weapons = models.BooleanField("weapons involved", default=False)
    linked_people = models.TextField(blank=True)
    places = models.CharField(max_length=300, blank=True)


DETAILS: dict[str, type[Detail]] = {
    HarmKind.CSE: CseDetail,
    HarmKind.TRAFFICKING: TraffickingDetail,
    HarmKind.FGM: FgmDetail,
    HarmKind.HONOUR_BASED: HonourBasedDetail,
    HarmKind.FORCED_MARRIAGE: ForcedMarriageDetail,
    HarmKind.CRIMINAL_EXPLOITATION: CriminalExploitationDetail,
}
