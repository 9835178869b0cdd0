"""The review block on the exhibit page: graded counts beside the hash-set counts, and the
way into the queue for reviewers only."""

from __future__ import annotations

from .helpers import ReviewTestCase


class ExhibitPanelTests(ReviewTestCase):
    def exhibit_page(self) -> str:
        self.justify(self.review_exhibit)
        response = self.client.get(f"/investigations/exhibits/{self.review_exhibit.pk}/")
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def test_it_offers_the_queue_to_a_reviewer(self) -> None:
        self.login(self.dora)
        html = self.exhibit_page()
        self.assertIn('id="review-counts"', html)
        self.assertIn(f'href="/review/exhibits/{self.review_exhibit.pk}/"', html)

    def test_it_shows_the_figures_but_no_way_in_to_others(self) -> None:
        for user in (self.alice, self.bob):
            self.login(user)
            html = self.exhibit_page()
            self.assertIn('id="review-counts"', html)
            self.assertNotIn("/review/exhibits/", html)
            self.assertNotIn(".jpg", html)
