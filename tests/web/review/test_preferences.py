"""A reviewer's own welfare preferences: stored on them, recorded, used by the pages."""

from __future__ import annotations

from safeguard.web.review.models import ReviewerPreferences

from .helpers import ReviewTestCase


class PreferencesTests(ReviewTestCase):
    def test_it_starts_from_the_local_default(self) -> None:
        self.sign_in_to_review(self.dora)
        page = self.client.get(self.queue_url)
        self.assertContains(page, 'data-break-minutes="20"')
        form = self.client.get("/review/preferences/")
        self.assertContains(form, 'value="20"')
        self.assertFalse(ReviewerPreferences.objects.exists())

    def test_it_saves_the_reviewers_own_choice(self) -> None:
        self.sign_in_to_review(self.dora)
        response = self.client.post("/review/preferences/",
                                    {"break_minutes": "45", "reveal_in_colour": "on"})
        self.assertRedirects(response, "/review/preferences/", fetch_redirect_response=False)
        prefs = ReviewerPreferences.objects.get(user=self.dora)
        self.assertEqual((prefs.break_minutes, prefs.reveal_in_colour), (45, True))
        self.assertContains(self.client.get(self.queue_url), 'data-break-minutes="45"')
        self.assertAudited("update", self.dora, actor=self.dora, page="review preferences",
                           break_minutes=45)
        self.sign_in_to_review(self.fred)  # others keep theirs
        self.assertContains(self.client.get(self.queue_url), 'data-break-minutes="20"')

    def test_it_refuses_an_interval_out_of_range(self) -> None:
        self.sign_in_to_review(self.dora)
        response = self.client.post("/review/preferences/", {"break_minutes": "1"})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Between 5 and 240 minutes.")
        self.assertFalse(ReviewerPreferences.objects.exists())

    def test_it_is_for_reviewers_only(self) -> None:
        for user in (self.alice, self.bob, self.charlie):
            self.login(user)
            self.assertEqual(self.client.get("/review/preferences/").status_code, 403)
