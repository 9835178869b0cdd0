"""Missing episode forms: the report, then the finding, the return and the interview."""

from __future__ import annotations

from typing import Any

from django import forms

from ...core.forms import dated_widgets
from ...language import LanguageCheckedForm
from ..conf import local_rules
from ..models import Child, EpisodeType, InterviewStatus, MissingEpisode, MissingFrom

REPORT_FIELDS = ["episode_type", "missing_from", "last_seen_at", "reported_at",
                 "police_reference", "police_risk_grade"]
RETURN_FIELDS = ["police_risk_grade", "found_at", "where_found", "found_with", "returned_at",
                 "prevention_interview_at", "prevention_interview_by",
                 "interview_status", "interview_offered_at", "interview_at", "interview_by",
                 "interview_independent", "interview_notes"]
LABELS = {
    "prevention_interview_at": "Police prevention interview (safe and well check) at",
    "prevention_interview_by": "Prevention interview by",
    "interview_status": "Return home interview",
    "interview_offered_at": "Return home interview offered at",
    "interview_at": "Held or declined at",
    "interview_by": "Held by",
    "interview_independent": "Held by someone independent",
}
HELP = {
    "prevention_interview_by": "The officer, name and number.",
    "interview_at": "The moment it was held or the child declined it: the 72 hours are "
                    "compared instant with instant.",
    "interview_independent": "Not involved in caring for the child (statutory guidance, "
                             "DfE 2014).",
}


class EpisodeForm(forms.ModelForm):
    class Meta:
        model = MissingEpisode
        fields = REPORT_FIELDS
        widgets = dated_widgets(MissingEpisode, REPORT_FIELDS + RETURN_FIELDS)
        labels = LABELS
        help_texts = HELP

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


class ReturnForm(LanguageCheckedForm, EpisodeForm):
    language_checked_fields = ("interview_notes",)

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
        self._check_interview(data, returned)
        prevention = data.get("prevention_interview_at")
        if prevention and not found:
            self.add_error("prevention_interview_at", "The prevention interview follows the "
                           "finding: give the time found first.")
        if prevention and found and prevention < found:
            self.add_error("prevention_interview_at", "Before the child was found: check the "
                           "date and time.")
        if data.get("prevention_interview_by") and not prevention:
            self.add_error("prevention_interview_at", "Give the time of the prevention "
                           "interview.")
        return data

    def _check_interview(self, data: dict[str, Any], returned: Any) -> None:
        status = data.get("interview_status")
        offered, held = data.get("interview_offered_at"), data.get("interview_at")
        if offered and not returned:
            self.add_error("interview_offered_at", "The interview is offered after the "
                           "return: give the return time first.")
        if offered and returned and offered < returned:
            self.add_error("interview_offered_at", "Offered before the return: check the "
                           "date and time.")
        if held and returned and held < returned:
            self.add_error("interview_at", "Before the return: check the date and time.")
        if held and offered and held < offered:
            self.add_error("interview_at", "Before it was offered: check the date and time.")
        if status in (InterviewStatus.DONE, InterviewStatus.DECLINED):
            if not returned:
                self.add_error("interview_status", "The interview follows the return: give "
                               "the return time first.")
            if not held:
                self.add_error("interview_at", "Give the date and time the interview was "
                               "held or declined.")
            if status == InterviewStatus.DECLINED and not offered:
                self.add_error("interview_offered_at", "A child declines an interview offered "
                               "to them: give the time it was offered.")
        elif held:
            # A time with "not yet held" would read as held in the figures and not here.
            self.add_error("interview_status", "A time is given: mark the interview held or "
                           "declined, or clear the time.")
