"""Subjects: the profiles that referrals and sightings sharing identifiers are linked into.

(Named "subject", not "suspect": investigations.Suspect is a person in a case; a subject
is an intelligence profile that may or may not become one.)

- `Link`: one identifier of a subject, with its provenance: the record that brought it
  (a referral, or the first sighting of it), the rule that joined it (`rule`, and
  `matched`: the earlier link it matched), when it was first and last seen in records,
  who linked it (automatic: nobody). A referral has one link per distinct identifier it
  carries; the sightings of one identifier share one link (an IP address: one per
  episode, see linking.py), and each sighting names its link.
- `SubjectFile`: the distinct files a subject was seen with (the volume counts).
- The counters on Subject are maintained by the imports (stats.py) so that the ranked
  queue is one query; `stats.recount()` rebuilds them from the records.
- `Decision`: what was decided (develop, refer to another force, no further action,
  investigation); the subject's `status` is the latest, unless new activity after a
  decision put it back on the queue (`reopened_at`, reopening.py).
- `KeptApart`: two profiles an analyst split: the automatic linking never joins them again.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from ...core.models import AgencyOwned


class SubjectStatus(models.TextChoices):
    NEW = "new", "New"
    DEVELOPING = "developing", "Developing"
    REFERRED = "referred", "Referred to another force"
    NO_FURTHER_ACTION = "nfa", "No further action"
    INVESTIGATION = "investigation", "Investigation opened"
    MERGED = "merged", "Merged into another subject"
    # A child is never in the offender queue (protection/route.py).
    SAFEGUARDING = "safeguarding", "Safeguarding route: the subject is a child"


OPEN_STATUSES = (SubjectStatus.NEW, SubjectStatus.DEVELOPING)


class Subject(AgencyOwned):
    display_name = models.CharField(max_length=200, blank=True,
                                    help_text="A name or description once known.")
    status = models.CharField(max_length=16, choices=SubjectStatus.choices,
                              default=SubjectStatus.NEW)
    merged_into = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="merged_from")
    district = models.ForeignKey("core.Area", on_delete=models.PROTECT, null=True,
                                 blank=True, related_name="+",
                                 help_text="Where the subject was seen last.")
    district_seen_at = models.DateTimeField(null=True, blank=True)
    first_seen_at = models.DateTimeField(null=True, blank=True)
    last_seen_at = models.DateTimeField(null=True, blank=True)
    # Counters (stats.py): maintained by every import, rebuilt by stats.recount().
    referral_count = models.PositiveIntegerField(default=0)
    sighting_count = models.PositiveIntegerField(default=0)
    known_files = models.PositiveIntegerField(default=0)
    category_a_files = models.PositiveIntegerField(default=0)
    unknown_files = models.PositiveIntegerField(default=0)
    distributions = models.PositiveIntegerField(default=0)
    # The priority score (scoring.py), kept so that the queue is an index range read:
    # rescored whenever its inputs change, and when recency moves it (ScoreClock).
    score = models.FloatField(default=0.0)
    # Recorded by an analyst.
    previous_convictions = models.PositiveSmallIntegerField(
        default=0, help_text="Relevant previous convictions found (PNC).")
    adult_of_concern = models.ForeignKey(
        "safeguarding.AdultOfConcern", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", help_text="The same person on the safeguarding register.")
    child = models.ForeignKey(
        "safeguarding.Child", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
        help_text="A child on the register the subject lives with or has contact with.")
    notes = models.TextField(blank=True)
    # The children around the subject (protection/): children at the subject's address
    # (ChildAtRisk rows, household), the time-to-action band of its latest assessment, and
    # whether the subject is himself a child.
    household_children = models.PositiveSmallIntegerField(default=0)
    band = models.CharField(max_length=12, blank=True)
    is_child = models.BooleanField(default=False)
    outcome = models.CharField(max_length=8, blank=True,
                               help_text="Home Office outcome code, e.g. 21.")
    # From lead to case (cases.py).
    investigation = models.ForeignKey("investigations.Investigation", on_delete=models.PROTECT,
                                      null=True, blank=True, related_name="+")
    suspect = models.ForeignKey("investigations.Suspect", on_delete=models.PROTECT,
                                null=True, blank=True, related_name="+")
    # Seen again after a decision that took it off the queue (reopening.py): when it came
    # back, and the status it came back from. Cleared by the next decision.
    reopened_at = models.DateTimeField(null=True, blank=True)
    reopened_from = models.CharField(max_length=16, choices=SubjectStatus.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-last_seen_at", "pk"]
        indexes = [
            models.Index(fields=["owning_agency", "status"], name="subject_status"),
            # The ranked queue: open subjects, highest score first.
            models.Index(fields=["owning_agency", "-score", "-last_seen_at", "id"],
                         condition=models.Q(status__in=["new", "developing"]),
                         name="subject_queue"),
            # Recency: the subjects whose last sighting crossed a step since the last look.
            models.Index(fields=["owning_agency", "last_seen_at"], name="subject_recency"),
        ]

    def __str__(self) -> str:
        return f"{self.label} {self.display_name}".strip()

    @property
    def label(self) -> str:
        return f"S-{self.pk:06d}" if self.pk else "S-new"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class LinkRule(models.TextChoices):
    FIRST = "first", "First seen: a new profile"
    SAME = "same", "The same identifier as an earlier link"
    IP_WINDOW = "ip_window", "The same IP address within the time window"
    SAME_RECORD = "same_record", "In the same record as an identifier that linked"
    MERGED = "merged", "Merged from another profile"
    SPLIT = "split", "Moved by a split"


class Link(models.Model):
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="links")
    kind = models.CharField(max_length=16)
    value = models.CharField(max_length=300, help_text="Normalised (identifiers.py).")
    shown = models.CharField(max_length=300, help_text="As the record gave it.")
    linkable = models.BooleanField(default=True)
    rule = models.CharField(max_length=16, choices=LinkRule.choices)
    matched = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+")
    referral = models.ForeignKey("intelligence.Referral", on_delete=models.PROTECT,
                                 null=True, blank=True, related_name="links")
    # The first sighting of it (a plain id: sightings are bulk-loaded after their links).
    first_sighting_id = models.BigIntegerField(null=True, blank=True)
    first_seen_at = models.DateTimeField()
    last_seen_at = models.DateTimeField()
    sightings = models.PositiveIntegerField(default=0)
    linked_at = models.DateTimeField(auto_now_add=True)
    linked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  null=True, blank=True, related_name="+")
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["kind", "value", "pk"]
        indexes = [models.Index(fields=["kind", "value"], name="link_identifier")]

    def __str__(self) -> str:
        return f"{self.kind} {self.shown}"


class SubjectFile(models.Model):
    """Derived from sightings, referrals and triage (profiles.rebuild_files rebuilds it):
    no foreign-key constraints, which would cost a check per row at every import."""

    pk = models.CompositePrimaryKey("subject", "file")
    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="+",
                                db_index=False, db_constraint=False)
    file = models.ForeignKey("intelligence.FileHash", on_delete=models.PROTECT,
                             related_name="+", db_index=False, db_constraint=False)


class DecisionKind(models.TextChoices):
    DEVELOP = "develop", "Develop"
    REFER = "refer", "Refer to another force"
    NO_FURTHER_ACTION = "nfa", "No further action"
    INVESTIGATION = "investigation", "Open an investigation"
    # A child subject: the police decide not to prosecute, in the public interest (Home
    # Office counting rules, outcome 21), and the child is safeguarded.
    OUTCOME_21 = "outcome_21", "Outcome 21: safeguarding, not prosecution (a child)"


DECISION_STATUS = {
    DecisionKind.DEVELOP: SubjectStatus.DEVELOPING,
    DecisionKind.REFER: SubjectStatus.REFERRED,
    DecisionKind.NO_FURTHER_ACTION: SubjectStatus.NO_FURTHER_ACTION,
    DecisionKind.INVESTIGATION: SubjectStatus.INVESTIGATION,
    DecisionKind.OUTCOME_21: SubjectStatus.SAFEGUARDING,
}


class Decision(models.Model):
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="decisions")
    kind = models.CharField(max_length=16, choices=DecisionKind.choices)
    reason = models.TextField()
    other_force = models.CharField(max_length=200, blank=True)
    score = models.FloatField(help_text="The score when decided.")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-decided_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.subject.label})"


class ScoreClock(models.Model):
    """When an agency's stored scores were last brought up to date with the clock, and
    with which rules (a digest of the weights: a change rescores everyone)."""

    agency = models.OneToOneField("accounts.Agency", on_delete=models.CASCADE,
                                  related_name="+")
    scored_at = models.DateTimeField()
    rules = models.CharField(max_length=64)


class KeptApart(models.Model):
    first = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="+")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["first", "second"],
                                               name="kept_apart_once")]
