"""Missing episode forms: the report, then the finding, the return and the interview."""

from __future__ import annotations

from typing import Any

from django import forms

from ..conf import local_rules
from ..models import Child, EpisodeType, InterviewStatus, MissingEpisode, MissingFrom
from .common import dated_widgets

REPORT_FIELDS = ["episode_type", "missing_from", "last_seen_at", "reported_at",
                 "police_reference", "police_risk_grade"]
RETURN_FIELDS = ["police_risk_grade", "found_at", "where_found", "found_with", "returned_at",
                 "interview_status", "interview_on", "interview_by", "interview_notes"]


class EpisodeForm(forms.ModelForm):
    class Meta:
        model = MissingEpisode
        fields = REPORT_FIELDS
        widgets = dated_widgets(MissingEpisode, REPORT_FIELDS + RETURN_FIELDS)

    def __init__(self, *args: Any, child: Child, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.child = child
        grade = forms.ChoiceField(
            label="Police risk grade", required=False,
            choices=[("", "Not yet graded"), *local_rules().police_risk_grades],
        )
        self.fields["police_risk_grade"] = grade

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        episode_type = data.get("episode_type") or self.instance.episode_type
        if episode_type == EpisodeType.AWAY:
            if not self.child.is_looked_after:
                self.add_error("episode_type", (
                    f"{self.child} is not looked after ({self.child.get_legal_status_display()})"
                    ": only a looked-after child is away from placement without authorisation."))
            missing_from = data.get("missing_from", self.instance.missing_from)
            if missing_from and missing_from != MissingFrom.CARE_PLACEMENT:
                self.add_error("missing_from", "Away without authorisation is from a care "
                               "placement.")
        last_seen, reported = data.get("last_seen_at"), data.get("reported_at")
        if last_seen and reported and last_seen > reported:
            self.add_error("last_seen_at", "Last seen after the report was made.")
        return data


class ReturnForm(EpisodeForm):
    class Meta(EpisodeForm.Meta):
        fields = RETURN_FIELDS

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        reported = self.instance.reported_at
        found, returned = data.get("found_at"), data.get("returned_at")
        if found and reported and found < reported:
            self.add_error("found_at", "Found before the report: check the date and time.")
        if returned and not found:
            self.add_error("found_at", "Give the time found before the return.")
        if returned and found and returned < found:
            self.add_error("returned_at", "Returned before being found.")
        status = data.get("interview_status")
        if status in (InterviewStatus.DONE, InterviewStatus.DECLINED):
            if not returned:
                self.add_error("interview_status", "The interview follows the return: give "
                               "the return time first.")
            if not data.get("interview_on"):
                self.add_error("interview_on", "Give the date the interview was held or "
                               "declined.")
        return data
