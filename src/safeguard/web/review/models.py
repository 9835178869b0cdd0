"""What the review adds to a finished triage: one ReviewItem per unmatched image or video,
the grades independent graders give it, and each reviewer's welfare preferences.

The triage's own rows (investigations.FileRecord) are never changed: a ReviewItem points
at its FileRecord and carries what the review needs beside it (the queue's order, the
group's lead, the final category). The link is DO_NOTHING at the ORM level so that the
importer's bulk delete of a job's files stays a single fast DELETE; items exist only for
`done` jobs, which are never re-imported, so the database's own constraint holds.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from safeguard.triage import UkCategory

from ..triage_runs.models import FileRecord, TriageJob


class Category(models.TextChoices):
    """What a grader says about an item: the UK legal grading (the engine's UkCategory, a
    test checks they agree), or not indecent."""

    A = UkCategory.A.value, "Category A"
    B = UkCategory.B.value, "Category B"
    C = UkCategory.C.value, "Category C"
    NOT_INDECENT = "N", "Not indecent"


# The indecent categories, most serious first (the export and the counts use this order).
INDECENT = (Category.A, Category.B, Category.C)


class ReviewQueue(models.Model):
    """One per job whose items have been built: built once, under a row lock."""

    job = models.OneToOneField(TriageJob, on_delete=models.CASCADE, related_name="review_queue")
    built_at = models.DateTimeField(null=True, blank=True)
    items = models.PositiveIntegerField(default=0)
    groups = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"Review queue of {self.job}"


class ReviewItem(models.Model):
    """One unmatched image or video of a job, as the review sees it."""

    job = models.ForeignKey(TriageJob, on_delete=models.CASCADE, related_name="review_items",
                            db_index=False)  # every index below leads with job
    file = models.OneToOneField(FileRecord, on_delete=models.DO_NOTHING,
                                related_name="review_item")
    file_type = models.CharField(max_length=16)  # image or video (FileRecord.file_type)
    # The content's identity for unique counts: sha1, else md5, else empty.
    content = models.CharField(max_length=40, blank=True)
    group = models.CharField(max_length=40)
    group_size = models.PositiveIntegerField(default=1)
    # The likely-first-generation score (ordering.py) and the signals behind it.
    priority = models.SmallIntegerField(default=0)
    reasons = models.CharField(max_length=200, blank=True)
    # The group's representative: the item of the group with the highest priority.
    is_lead = models.BooleanField(default=False)
    # Measured when the item is first shown (the bytes are read then anyway).
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    camera = models.CharField(max_length=200, blank=True)  # EXIF make and model
    software = models.CharField(max_length=200, blank=True)  # EXIF software (edited?)
    # The outcome of grading (grading.py).
    final_category = models.CharField(max_length=1, choices=Category.choices, blank=True)
    agreement = models.CharField(max_length=100, blank=True)
    grade_count = models.PositiveSmallIntegerField(default=0)
    decided_at = models.DateTimeField(null=True, blank=True)
    # The final category was corrected by a senior reviewer (Correction, corrections.py).
    corrected = models.BooleanField(default=False)
    # The graders disagreed: no vote makes the category final any more, and a senior
    # grader settles it (grading.py, settlement.py). It stays set once settled, so the
    # export can say the category was disputed.
    disputed = models.BooleanField(default=False)
    # The final category is a senior grader's settlement of a dispute (Settlement).
    settled = models.BooleanField(default=False)

    class Meta:
        ordering = ["-priority", "id"]
        indexes = [
            # The queue: a job's group leads, most likely first-generation first. Partial,
            # so that any page is an index range read (keyset on priority, id).
            models.Index("job", models.F("priority").desc(), "id", condition=Q(is_lead=True),
                         name="reviewitem_queue"),
            # The "to grade" list: leads without a final category and not disputed, so
            # that the final ones (graded from the top of the queue down) are not read past
            # on every page.
            models.Index("job", models.F("priority").desc(), "id",
                         condition=Q(is_lead=True, final_category="", disputed=False),
                         name="reviewitem_todo"),
            # The disputes awaiting a senior grader: every item, not only leads (a group
            # graded with G can leave a copy disputed while its lead is not).
            models.Index("job", models.F("priority").desc(), "id",
                         condition=Q(disputed=True, final_category=""),
                         name="reviewitem_disputed"),
            # A group's copies.
            models.Index(fields=["job", "group", "id"], name="reviewitem_group"),
            # Counts and the export: the items with a final category.
            models.Index(fields=["job", "final_category"], condition=~Q(final_category=""),
                         name="reviewitem_final"),
        ]

    def __str__(self) -> str:
        return f"Review item {self.pk} ({self.group})"

    @property
    def reason_list(self) -> list[str]:
        return [reason for reason in self.reasons.split(",") if reason]

    @property
    def is_video(self) -> bool:
        return self.file_type == "video"


class Grade(models.Model):
    """One grader's category for one item. A grader grades an item once; they may change
    their grade until the item's category is final."""

    item = models.ForeignKey(ReviewItem, on_delete=models.CASCADE, related_name="grades")
    job = models.ForeignKey(TriageJob, on_delete=models.CASCADE, related_name="+",
                            db_index=False)
    grader = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="+")
    category = models.CharField(max_length=1, choices=Category.choices)
    # Given with G: the grader applied one category to the whole near-duplicate group.
    via_group = models.BooleanField(default=False)
    at = models.DateTimeField()
    # Given on an earlier triage of the same exhibit to the same content, and carried to
    # this one when its queue was built (carry_over.py); cleared if the grader changes it.
    carried_from = models.ForeignKey(TriageJob, on_delete=models.SET_NULL, null=True,
                                     blank=True, related_name="+")

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["item", "grader"], name="grade_once_per_grader"),
        ]
        indexes = [models.Index(fields=["job", "grader"], name="grade_job_grader")]

    def __str__(self) -> str:
        return f"{self.category} for item {self.item_id} by {self.grader_id}"


class SeniorDecision(models.Model):
    """A senior's final category for an item, with the reason: a correction of a final
    category, or the settlement of a dispute. The graders' grades stay as they were."""

    item: models.ForeignKey[ReviewItem, ReviewItem]  # each kind names its reverse relation
    job = models.ForeignKey(TriageJob, on_delete=models.CASCADE, related_name="+",
                            db_index=False)
    category = models.CharField(max_length=1, choices=Category.choices)
    reason = models.TextField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    carried_from = models.ForeignKey(TriageJob, on_delete=models.SET_NULL, null=True,
                                     blank=True, related_name="+")

    class Meta:
        abstract = True
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["job", "item"], name="%(class)s_job_item")]


class Correction(SeniorDecision):
    """A correction of a final category; the item's final category is the correction's."""

    item = models.ForeignKey(ReviewItem, on_delete=models.CASCADE, related_name="corrections")
    # The item's final category before ("" for a copy of the content not yet final).
    previous = models.CharField(max_length=1, choices=Category.choices, blank=True)

    def __str__(self) -> str:
        return f"{self.previous} to {self.category} for item {self.item_id}"


class Settlement(SeniorDecision):
    """A senior grader's decision of a disputed category; the item's final category is
    the settlement's."""

    item = models.ForeignKey(ReviewItem, on_delete=models.CASCADE, related_name="settlements")
    # The graders' votes when it was settled, e.g. "A 2, B 1" (empty for a copy of the
    # content that was not graded itself).
    votes = models.CharField(max_length=100, blank=True)

    def __str__(self) -> str:
        return f"{self.category} settled for item {self.item_id} ({self.votes})"


class ReviewerPreferences(models.Model):
    """A reviewer's welfare settings. Blurred greyscale previews are not a preference:
    every review screen starts that way (shared/design.md)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="review_preferences")
    break_minutes = models.PositiveSmallIntegerField(
        help_text="Remind me to take a break after this many minutes of viewing (5–240).")
    reveal_in_colour = models.BooleanField(
        default=True, help_text="Show a revealed item in colour (untick: revealed items "
                                "stay greyscale, sharp).")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Review preferences of {self.user}"
