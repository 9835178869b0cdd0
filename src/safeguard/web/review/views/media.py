"""The only way evidence reaches a browser: a picture made from it on request, after the
policy, the reason and the evidence's digests have been checked, and recorded.

`/review/items/<pk>/blurred.jpg` (the default everywhere), `revealed.jpg` (one item, on an
explicit request) and `frames.jpg` (a video's sheet of frames, on an explicit request).
The response is never cached or stored (`Cache-Control: no-store`, `Pragma: no-cache`),
never sniffed as another type, and named with a made-up safe name, never the evidence's.
"""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest, HttpResponse

from ... import audit
from ...audit.models import Action
from ...core.policy import NoAccess, signed_in_user
from ..access import get_item_for
from ..conf import review_rules
from ..media import (
    VIEWS,
    Facts,
    MediaRefused,
    blurred,
    facts_of,
    frame_sheet,
    jpeg,
    open_still,
    placeholder,
    poster,
    revealed,
    verified_content,
)
from ..models import ReviewItem
from .common import preferences_of


def item_media(request: HttpRequest, pk: int, view: str) -> HttpResponse:
    item = get_item_for(request, pk)
    if view not in VIEWS:
        raise NoAccess(None, f"no such view {view!r}")
    exhibit = item.job.exhibit
    rules = review_rules()
    colour = preferences_of(signed_in_user(request), rules).reveal_in_colour
    facts: Facts | None = None
    refused = ""
    try:
        if view == "frames" and not item.is_video:
            raise MediaRefused("Frames are for videos; reveal a picture instead.", 400)
        with verified_content(exhibit, item.file, rules.max_media_bytes) as content:
            if item.is_video:
                picture = frame_sheet(content, rules.reveal_px) if view == "frames" \
                    else poster(content)
                facts = Facts(picture.width, picture.height)
            else:
                if item.width is None:
                    facts = facts_of(content)
                picture = open_still(content, 2 * max(rules.reveal_px, rules.thumbnail_px))
        if view == "blurred":
            shown = blurred(picture, rules.thumbnail_px)
        else:
            shown = revealed(picture, rules.reveal_px, colour)
        body, content_type, status = jpeg(shown), "image/jpeg", 200
    except MediaRefused as refusal:
        refused = refusal.message
        body, content_type, status = (placeholder(refusal.message, rules.thumbnail_px),
                                      "image/png", refusal.status)
    with transaction.atomic():
        if facts is not None and item.width is None and facts.width:
            _store(item, facts)
        audit.record(request, Action.VIEW, exhibit, page="review media", view=view,
                     job=item.job_id, item=item.pk, file=item.file_id,
                     path=item.file.full_path[:300], refused=refused)
    response = HttpResponse(body, content_type=content_type, status=status)
    extension = "jpg" if content_type == "image/jpeg" else "png"
    return no_store(response, f"review-item-{item.pk}-{view}.{extension}", refused)


def _store(item: ReviewItem, facts: Facts) -> None:
    item.width, item.height = facts.width, facts.height
    item.camera, item.software = facts.camera, facts.software
    item.save(update_fields=["width", "height", "camera", "software"])


def no_store(response: HttpResponse, filename: str, refused: str = "") -> HttpResponse:
    """Headers for evidence: no copy kept anywhere, no sniffing, a safe name."""
    response["Cache-Control"] = "no-store"
    response["Pragma"] = "no-cache"
    response["Expires"] = "0"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    if refused:
        # For scripts and tests; the picture itself says it for people.
        text = " ".join(refused.split()).encode("ascii", "replace").decode()
        response["X-Safeguard-Refused"] = text[:500]
    return response
