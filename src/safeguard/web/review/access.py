"""Who may review: image reviewers and forensic examiners of the agency that owns the
exhibit. Nobody else sees an item of evidence, whatever else they may see of the case.

- An outsider (no access to the exhibit) gets 404, as for any record.
- A partner agency the exhibit is shared with gets 403: sharing a record discloses its
  figures, never its images.
- Someone of the owning agency without a review role (an investigator) gets 403.
- A reviewer must have given the reason for opening the exhibit in this session (DPA
  s62): the queue asks for it; the media and grading requests, which cannot show a form,
  are refused (403) without it. The reason is recorded with every look.

A review item has no rights of its own: its rights are its exhibit's, and refusals are
recorded against the exhibit.
"""

from __future__ import annotations

from django.http import HttpRequest

from ..accounts.models import Role
from ..audit.events import Ref, ref_for, session_justification
from ..core.policy import Forbidden, NoAccess, get_object_for
from ..investigations.models import Exhibit
from .models import ReviewItem

REVIEW_ROLES = (Role.IMAGE_REVIEWER, Role.FORENSIC_EXAMINER)


def get_exhibit_for_review(request: HttpRequest, pk: int | str) -> Exhibit:
    """The exhibit, if the user may review its media; else NoAccess (404) or Forbidden."""
    return get_object_for(request, Exhibit, pk, need="write", roles=REVIEW_ROLES)


def get_item_for(request: HttpRequest, pk: int | str, *, reason: bool = True) -> ReviewItem:
    """The review item, if the user may review its exhibit; with `reason`, the exhibit's
    reason must be in force in this session (a page that can show the form passes False
    and asks for it itself)."""
    try:
        exhibit_id = ReviewItem.objects.values_list("job__exhibit_id", flat=True).get(pk=pk)
    except (ReviewItem.DoesNotExist, ValueError, TypeError):
        raise NoAccess(Ref(ReviewItem._meta.label_lower, str(pk)), "not found") from None
    exhibit = get_exhibit_for_review(request, exhibit_id)
    if reason:
        require_reason(request, exhibit)
    item = ReviewItem.objects.select_related("file", "job").get(pk=pk)
    item.job.exhibit = exhibit
    return item


def require_reason(request: HttpRequest, exhibit: Exhibit) -> str:
    """The reason given for the exhibit in this session; Forbidden when there is none."""
    reason = session_justification(request, exhibit)
    if not reason:
        raise Forbidden(ref_for(exhibit), "no reason given for this exhibit in this session: "
                                          "open the review queue first")
    return reason


def can_review(user: object, exhibit: Exhibit) -> bool:
    """For links: the user holds a review role in the exhibit's own agency."""
    return (
        getattr(user, "is_active", False)
        and getattr(user, "agency_id", None) == exhibit.owning_agency_id
        and getattr(user, "role", None) in REVIEW_ROLES
    )
