"""The demo's review: every new image and video of Operation Lantern's three exhibits (a
partitioned FAT disk image with deleted photos, an ext4 E01, a zip with a tar.gz inside)
is read back from its evidence, verified and shown blurred to the demo image reviewer."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY

from safeguard.web.accounts import totp
from safeguard.web.accounts.models import User
from safeguard.web.audit.events import JUSTIFIED_SESSION_KEY, object_key
from safeguard.web.investigations.models import Exhibit
from safeguard.web.middleware import LAST_ACTIVITY_KEY
from safeguard.web.review.models import ReviewItem
from safeguard.web.triage_runs.demo import seed_web_demo

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def signed_in(client: Client, user: User, exhibits: list[Exhibit]) -> None:
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    device = totp.confirmed_device(user)
    assert device is not None
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session[LAST_ACTIVITY_KEY] = time.time()
    session[JUSTIFIED_SESSION_KEY] = {
        object_key(exhibit): {"at": timezone.now().isoformat(), "text": "Demo review check"}
        for exhibit in exhibits}
    session.save()


def test_every_demo_item_is_read_back_and_shown_blurred(demo_settings: Path,
                                                        client: Client) -> None:
    seed_web_demo(demo_settings, demo_settings / "home")
    exhibits = list(Exhibit.objects.filter(investigation__reference="DEMO-0001")
                    .order_by("reference"))
    reviewer = User.objects.get(username="police.reviewer")
    signed_in(client, reviewer, exhibits)
    kinds = set()
    for exhibit in exhibits:
        queue = client.get(f"/review/exhibits/{exhibit.pk}/", HTTP_HOST="127.0.0.1")
        assert queue.status_code == 200
        items = ReviewItem.objects.filter(job__exhibit=exhibit).select_related("file")
        assert items.exists(), exhibit.reference
        for item in items:
            response = client.get(f"/review/items/{item.pk}/blurred.jpg",
                                  HTTP_HOST="127.0.0.1")
            assert response.status_code == 200, (item.file.full_path,
                                                 response.get("X-Safeguard-Refused"))
            assert response["Cache-Control"] == "no-store"
            kinds.add((Path(exhibit.evidence_path).suffix, item.file_type,
                       bool(item.file.archive), item.file.deleted))
    assert (".dd", "image", False, True) in kinds  # a deleted photo on the FAT disk
    assert (".E01", "video", False, False) in kinds  # a video in the ext4 E01
    assert (".zip", "image", True, False) in kinds  # zip (and tar.gz) members
