"""A form page's error summary: every error of its bound forms, each naming and linking
its field (the summary is announced: core/_error_summary.html has role="alert"; each field
points at its own errors with aria-describedby, as Django renders them).

    problems_of(form)   # [{"label": "Date of birth", "id": "id_date_of_birth",
                        #   "message": "Enter a valid date."}, ...]
"""

from __future__ import annotations

from typing import Any


def problems_of(*forms: Any) -> list[dict[str, str]]:
    problems: list[dict[str, str]] = []
    for form in forms:
        if form is None or not form.is_bound:
            continue
        for name, errors in form.errors.items():
            label = "Form" if name == "__all__" else str(form[name].label)
            field_id = "" if name == "__all__" else (form[name].id_for_label
                                                     or form[name].auto_id)
            problems.extend({"label": label, "id": field_id, "message": str(error)}
                            for error in errors)
    return problems
