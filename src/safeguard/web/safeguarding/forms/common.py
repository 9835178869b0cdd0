"""The register's own form pieces (the widgets and choice helpers every app shares are in
core/forms.py)."""

from __future__ import annotations

from typing import Any

from django import forms

from ...accounts.models import Agency


class ShareBackForm(forms.Form):
    """Offered when a partner records something about another agency's child: share it
    with the child's agency (on by default), as a recorded disclosure."""

    share_with_owner = forms.BooleanField(required=False, initial=True)

    def __init__(self, *args: Any, owner: Agency, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["share_with_owner"].label = f"Share this record with {owner}"
        self.fields["share_with_owner"].help_text = (
            f"{owner} holds the child's record; without a share it will not see this."
        )
