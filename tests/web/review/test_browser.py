"""In Chromium: an image reviewer signs in with a TOTP code, opens a demo-like exhibit (its
reason asked first), opens its review queue, reveals one item and sees it blurred again
when moving on, grades a whole group by keyboard (G, then B) and sees the exhibit's counts
change; the break reminder comes and goes; Esc hides everything. No script or style breaks
the content security policy."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from safeguard.web.accounts.models import Role
from safeguard.web.review.models import Grade, ReviewItem

from ..base import make_user
from ..browser import browser_sign_in, csp_watch, justify
from .helpers import exhibit_to_review, write_evidence

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_reviewer_grades_a_group_by_keyboard_and_sees_the_counts(
    one_request_at_a_time: Any, page: Any, evidence_folder: Path
) -> None:
    write_evidence(evidence_folder)
    run_in_browser(one_request_at_a_time.url, page, evidence_folder)


def run_in_browser(url: str, page: Any, folder: Path) -> None:
    dora, exhibit, job = exhibit_to_review(folder)
    others = [make_user(name, dora.agency, Role.IMAGE_REVIEWER) for name in ("fred", "gina")]
    lead = ReviewItem.objects.get(job=job, file__path="/DCIM/100DEMO/IMG_0001.JPG")
    group = list(ReviewItem.objects.filter(job=job, group=lead.group))
    assert len(group) == 2 and lead.is_lead
    # Two colleagues graded the group B already: the third agreeing grade decides it.
    for other in others:
        for item in group:
            Grade.objects.create(item=item, job=job, grader=other, category="B",
                                 via_group=True, at=timezone.now())
    violations = csp_watch(page)

    browser_sign_in(page, url, dora.username)

    page.goto(f"{url}/investigations/exhibits/{exhibit.pk}/")
    justify(page, "Grading new images for the CAID submission")
    page.wait_for_selector("#review-panel")
    graded_b = '#review-counts tr[data-category="B"] .graded-images'
    assert page.locator(graded_b).inner_text() == "0"
    page.click("#open-review")
    page.wait_for_selector(".review-card")
    cards = page.locator(".review-card")
    assert cards.count() == 5
    assert cards.first.get_attribute("data-item") == str(lead.pk)
    assert page.locator("#exposure-time").is_visible()
    for card in range(cards.count()):
        preview = cards.nth(card).locator("img.blurred")
        url_of = preview.get_attribute("src")
        answer = page.request.get(f"{url}{url_of}")
        assert answer.status == 200, answer.headers.get("x-safeguard-refused")
    assert page.locator("img.revealed").count() == 0

    page.keyboard.press("ArrowRight")  # the first card
    page.keyboard.press("r")
    page.locator("img.revealed").wait_for()
    assert page.locator(f"#item-{lead.pk} img.revealed").count() == 1
    page.keyboard.press("ArrowRight")  # moving on blurs it again
    assert page.locator("img.revealed").count() == 0
    page.keyboard.press("ArrowLeft")

    page.keyboard.press("g")
    assert page.locator("#group-armed").is_visible()
    page.keyboard.press("b")
    page.locator(f"#item-{lead.pk}.final").wait_for()
    assert "Final: Category B" in page.locator(f"#item-{lead.pk} .grade-status").inner_text()
    assert page.locator(graded_b).inner_text() == "2"
    assert set(ReviewItem.objects.filter(job=job, group=lead.group)
               .values_list("final_category", flat=True)) == {"B"}

    # The break reminder: the viewing clock (kept in the browser) reaches the interval.
    page.evaluate("""() => {
      for (const key of Object.keys(window.localStorage)) {
        if (key.startsWith("safeguard.review.exposure.")) {
          const state = JSON.parse(window.localStorage.getItem(key));
          state.seconds = state.nextBreak - 1;
          window.localStorage.setItem(key, JSON.stringify(state));
        }
      }
    }""")
    page.locator("#break").wait_for(state="visible", timeout=5_000)
    assert "Time for a break" in page.locator("#break").inner_text()
    page.click("#dismiss-break")
    assert not page.locator("#break").is_visible()

    page.keyboard.press("Escape")  # hide everything at once
    assert page.locator("#cover").is_visible()
    assert not page.locator(".review-card").first.is_visible()
    page.click("#resume")
    assert page.locator(".review-card").first.is_visible()

    page.goto(f"{url}/investigations/exhibits/{exhibit.pk}/")
    assert page.locator(graded_b).inner_text() == "2"
    assert violations == []
