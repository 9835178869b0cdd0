"""Children on the register, the people linked to them and the agencies involved."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from ...core import formats
from ...core.clock import today
from ...core.models import Recorded
from ..rules import ADULT_AGE, age_on, born_by
from .common import Gender


class Ethnicity(models.TextChoices):
    """The 19 ethnic groups of the 2021 Census of England and Wales (ONS), and unknown."""

    ASIAN_BANGLADESHI = "asian_bangladeshi", "Asian, Asian British or Asian Welsh: Bangladeshi"
    ASIAN_CHINESE = "asian_chinese", "Asian, Asian British or Asian Welsh: Chinese"
    ASIAN_INDIAN = "asian_indian", "Asian, Asian British or Asian Welsh: Indian"
    ASIAN_PAKISTANI = "asian_pakistani", "Asian, Asian British or Asian Welsh: Pakistani"
    ASIAN_OTHER = "asian_other", "Asian, Asian British or Asian Welsh: Other Asian"
    BLACK_AFRICAN = "black_african", (
        "Black, Black British, Black Welsh, Caribbean or African: African")
    BLACK_CARIBBEAN = "black_caribbean", (
        "Black, Black British, Black Welsh, Caribbean or African: Caribbean")
    BLACK_OTHER = "black_other", (
        "Black, Black British, Black Welsh, Caribbean or African: Other Black")
    MIXED_WHITE_ASIAN = "mixed_white_asian", (
        "Mixed or Multiple ethnic groups: White and Asian")
    MIXED_WHITE_BLACK_AFRICAN = "mixed_white_black_african", (
        "Mixed or Multiple ethnic groups: White and Black African")
    MIXED_WHITE_BLACK_CARIBBEAN = "mixed_white_black_caribbean", (
        "Mixed or Multiple ethnic groups: White and Black Caribbean")
    MIXED_OTHER = "mixed_other", (
        "Mixed or Multiple ethnic groups: Other Mixed or Multiple ethnic groups")
    WHITE_BRITISH = "white_british", (
        "White: English, Welsh, Scottish, Northern Irish or British")
    WHITE_IRISH = "white_irish", "White: Irish"
    WHITE_GYPSY_TRAVELLER = "white_gypsy_traveller", "White: Gypsy or Irish Traveller"
    WHITE_ROMA = "white_roma", "White: Roma"
    WHITE_OTHER = "white_other", "White: Other White"
    OTHER_ARAB = "other_arab", "Other ethnic group: Arab"
    OTHER_ANY = "other_any", "Other ethnic group: Any other ethnic group"
    NOT_STATED = "not_stated", "Not stated or not known"


class LegalStatus(models.TextChoices):
    NONE = "none", "No statutory involvement"
    CHILD_IN_NEED = "child_in_need", "Child in need (Children Act 1989 s17)"
    CHILD_PROTECTION_PLAN = "child_protection_plan", "Child protection plan"
    ACCOMMODATED = "accommodated_s20", "Looked after: accommodated (s20)"
    CARE_ORDER = "care_order", "Looked after: care order or interim care order (s31, s38)"
    EMERGENCY_PROTECTION = "emergency_protection_order", "Emergency protection order (s44)"
    POLICE_PROTECTION = "police_protection", "Police protection (s46)"


# Looked after by the local authority (s22): can be "away from placement without
# authorisation".
LOOKED_AFTER = frozenset({LegalStatus.ACCOMMODATED, LegalStatus.CARE_ORDER})
# "In care" for a Children Act 1989 s49 warning notice: s49(2) covers a child in care
# (s105: by a care order), under an emergency protection order or in police protection;
# not a child accommodated under s20.
IN_CARE_S49 = frozenset(
    {LegalStatus.CARE_ORDER, LegalStatus.EMERGENCY_PROTECTION, LegalStatus.POLICE_PROTECTION}
)


class Placement(models.TextChoices):
    HOME = "home", "Living at home"
    KINSHIP = "kinship", "With relatives or friends (kinship care)"
    FOSTER = "foster", "Foster care"
    RESIDENTIAL = "residential", "Residential care (children's home)"
    SUPPORTED = "supported", "Supported accommodation"
    BNB_HOSTEL = "bnb_hostel", "B&B or hostel"
    OTHER = "other", "Other"


def in_work(children: models.QuerySet[Child], day: date | None = None) -> models.QuerySet[Child]:
    """The children the work lists and the at-risk figures count on `day`: under 18 then,
    and their involvement not closed by then (Children Act 1989 s105: a child is under 18)."""
    day = day or today()
    return children.filter(date_of_birth__gt=born_by(day, ADULT_AGE)).exclude(
        closed_on__lte=day)


class Child(Recorded):
    reference = models.CharField(
        "local reference", max_length=40, blank=True,
        help_text="The owning agency's own reference (case or system number), if any.",
    )
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    known_as = models.CharField(max_length=100, blank=True)
    # Indexed: the duplicate check blocks on it (duplicates.py).
    date_of_birth = models.DateField(db_index=True)
    gender = models.CharField(max_length=16, choices=Gender.choices)
    ethnicity = models.CharField(
        max_length=40, choices=Ethnicity.choices, default=Ethnicity.NOT_STATED
    )
    district = models.ForeignKey("core.Area", on_delete=models.PROTECT,
                                 related_name="children")
    address = models.TextField(blank=True)
    legal_status = models.CharField(max_length=32, choices=LegalStatus.choices,
                                    default=LegalStatus.NONE)
    placement = models.CharField(max_length=16, choices=Placement.choices,
                                 default=Placement.HOME)
    placement_detail = models.CharField(
        max_length=200, blank=True, help_text="Carer or provider, where it helps."
    )
    school = models.CharField(max_length=200, blank=True)
    # A child placed into the area by another local authority: that authority (blank: the
    # area's own child). Registering one tells the host authority (handoffs.py), which
    # records when it acknowledged the notification.
    placing_authority = models.CharField(
        max_length=120, blank=True,
        help_text="The local authority that placed the child here, if another one.")
    host_acknowledged_on = models.DateField(
        "host authority acknowledged on", null=True, blank=True)
    lead_practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    notes = models.TextField(blank=True)
    # Identifiers where known: the duplicate check's strongest evidence (duplicates.py).
    nhs_number = models.CharField("NHS number", max_length=10, blank=True, db_index=True,
                                  help_text="Ten digits, if known.")
    la_id = models.CharField(
        "local authority id", max_length=40, blank=True, db_index=True,
        help_text="The child's id in the children's social care system, if known.")
    upn = models.CharField("unique pupil number", max_length=13, blank=True, db_index=True,
                           help_text="The 13-character unique pupil number, if known.")
    # Set when this record was merged into another record of the same child (ChildMerge):
    # the record and its records stay as they were, and are read as one child with it.
    merged_into = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="merged_records")
    # The involvement closed (with the reason), until reopened: a closed child leaves the
    # work lists and the at-risk figures, and the record stays.
    closed_on = models.DateField(null=True, blank=True)
    closure_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["last_name", "first_name", "pk"]
        verbose_name_plural = "children"
        indexes = [models.Index(fields=["owning_agency", "district"])]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def age_on(self, day: date) -> int:
        return age_on(self.date_of_birth, day)

    @property
    def age(self) -> int:
        return self.age_on(today())

    @property
    def is_looked_after(self) -> bool:
        return self.legal_status in LOOKED_AFTER

    @property
    def is_in_care(self) -> bool:
        return self.legal_status in IN_CARE_S49

    def legal_status_on(self, day: date) -> str | None:
        """The legal status in force on `day` from the history (LegalStatusChange); None
        when the history does not reach back that far: a warning notice's basis turns on
        the status on the date served, and a guess could make the notice unenforceable."""
        change = self.legal_history.filter(since__lte=day).order_by("-since", "-pk").first()
        return change.status if change is not None else None

    def clean(self) -> None:
        if self.date_of_birth and self.date_of_birth > today():
            raise ValidationError({"date_of_birth": "The date of birth is in the future."})


class LegalStatusChange(models.Model):
    """The child's legal status from a date: the history that a warning notice served on a
    past date, or a lapse when the child leaves care, is judged against. Part of the
    child's record (its agency records it); the latest is copied to Child.legal_status."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="legal_history")
    status = models.CharField(max_length=32, choices=LegalStatus.choices)
    since = models.DateField(help_text="The date the status began (an order's date).")
    note = models.CharField(max_length=300, blank=True,
                            help_text="The order or decision, e.g. the court and case number.")
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-since", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_status_display()} from {formats.day(self.since)}"


class Relationship(models.TextChoices):
    PARENT = "parent", "Parent"
    GUARDIAN = "guardian", "Guardian or special guardian"
    PARENTAL_RESPONSIBILITY = "parental_responsibility", (
        "Has parental responsibility or a child arrangements order")
    CARER = "carer", "Carer"
    SIBLING = "sibling", "Sibling"
    RELATIVE = "relative", "Other relative"
    FRIEND = "friend", "Friend or peer"
    PROFESSIONAL = "professional", "Professional"
    ADULT_OF_CONCERN = "adult_of_concern", "Adult of concern"
    ASSOCIATE = "associate", "Associate"


# Child Abduction Act 1984 s2(2) and s1(2): a parent, guardian, special guardian, a person
# with parental responsibility or named in a child arrangements order as a person the child
# lives with cannot commit the s2 offence, so a s2 warning notice on them is ineffective;
# Children Act 1989 s49 (a child in care) covers them.
CONNECTED_PERSONS = frozenset({Relationship.PARENT, Relationship.GUARDIAN,
                               Relationship.PARENTAL_RESPONSIBILITY})


class LinkedPerson(models.Model):
    """A person in the child's life: part of the child's record (its agency edits it)."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="linked_people")
    relationship = models.CharField(max_length=32, choices=Relationship.choices)
    name = models.CharField(max_length=200, blank=True)
    adult = models.ForeignKey(
        "safeguarding.AdultOfConcern", on_delete=models.PROTECT, null=True, blank=True,
        related_name="links",
    )
    notes = models.CharField(max_length=500, blank=True)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["relationship", "name", "pk"]

    def __str__(self) -> str:
        return f"{self.get_relationship_display()}: {self.name or 'adult of concern'}"

    @property
    def as_seen_by_adult(self) -> str:
        """The link from the adult's side, for the adult's page ("is a parent of the
        child"); "" when it says no more than that the adult is of concern."""
        return _ADULT_SIDE.get(self.relationship, "")

    def clean(self) -> None:
        if not self.name and self.adult_id is None:
            raise ValidationError(
                {"name": "Give the person's name, or choose an adult of concern."})


_ADULT_SIDE: dict[str, str] = {
    Relationship.PARENT: "is a parent of the child",
    Relationship.GUARDIAN: "is the child's guardian or special guardian",
    Relationship.PARENTAL_RESPONSIBILITY: (
        "has parental responsibility for the child or a child arrangements order"),
    Relationship.CARER: "is the child's carer",
    Relationship.SIBLING: "is the child's sibling",
    Relationship.RELATIVE: "is a relative of the child",
    Relationship.FRIEND: "is a friend or peer of the child",
    Relationship.PROFESSIONAL: "is a professional working with the child",
    Relationship.ASSOCIATE: "is an associate of the child",
}


class AgencyInvolvement(models.Model):
    """An agency working with the child (on the platform or not): part of the child's record."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="involvements")
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, null=True,
                               blank=True, related_name="+")
    agency_name = models.CharField(
        max_length=200, blank=True, help_text="For an agency not on the platform (a GP, a school)."
    )
    worker = models.CharField(max_length=200, blank=True)
    role = models.CharField(max_length=200, blank=True)
    since = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.agency.name if self.agency else self.agency_name

    def clean(self) -> None:
        if self.agency_id is None and not self.agency_name.strip():
            raise ValidationError({"agency": "Choose an agency, or name one not on the platform."})
