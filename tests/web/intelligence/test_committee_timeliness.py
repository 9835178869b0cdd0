"""Online referrals' timeliness in the committee report (statistics/timeliness.py): every
agency's referrals received in the period, as they stood at its end, for the whole area,
each step a line protected with its total, a median only over at least ten referrals."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.utils import timezone

from safeguard.web.intelligence.intake.ncmec_import import import_ncmec
from safeguard.web.intelligence.models import Assessment, Channel, Referral
from safeguard.web.statistics import timeliness
from safeguard.web.statistics.committee import build, render_html
from safeguard.web.statistics.periods import Period

from .helpers import IntelTestCase
from .test_ncmec import PACKAGE

MARCH = Period(date(2026, 3, 1), date(2026, 3, 31))


def at(day: int, hour: int = 9) -> datetime:
    return timezone.make_aware(datetime(2026, 3, day, hour))


class CommitteeTimelinessTests(IntelTestCase):
    def referrals(self, count: int, assessed_after: list[float | None]) -> None:
        """`count` referrals received on 2 March (copies of one imported package), the
        i-th assessed `assessed_after[i]` days later (None: not yet). The imported one
        (and its children) is moved to January, out of the period."""
        import_ncmec(self.actor(), PACKAGE, channel=Channel.FILE)
        first = Assessment.objects.get()
        referral = first.referral
        january = timezone.make_aware(datetime(2026, 1, 15, 9))
        Referral.objects.filter(pk=referral.pk).update(received_at=january)
        Assessment.objects.filter(pk=first.pk).update(received_at=january)
        for number in range(count):
            copy = Referral.objects.get(pk=referral.pk)
            copy.pk = None
            copy.report_id = f"{referral.report_id}-{number}"
            copy.save()
            after = assessed_after[number]
            Assessment.objects.create(
                referral=copy, subject=first.subject, version="online-risk/1", band="immediate",
                received_at=at(2), action_due_at=at(3),
                assessed_at=None if after is None else at(2) + timedelta(days=after))

    def test_a_median_is_published_over_ten_referrals_and_the_waiting_are_counted(self) -> None:
        # Twelve received in March: ten assessed (1..10 days), one after the period's
        # end (waiting at its end), one never.
        self.referrals(12, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 40, None])
        steps = {s.label: s for s in timeliness.build(MARCH)}
        assessed = steps["Receipt to assessment"]
        # 2 waiting is "<5"; 10 reached would give it away beside the total of 12: "*".
        self.assertEqual((assessed.received.text, assessed.reached.text,
                          assessed.waiting.text), ("12", "*", "<5"))
        self.assertEqual((assessed.reached.value, assessed.waiting.value), (10, 2))
        self.assertEqual((assessed.median, assessed.p90), ("5.0", "9.0"))
        # Nobody acted on any of them yet: the step is all waiting, no median.
        actioned = steps["Receipt to action"]
        self.assertEqual((actioned.received.text, actioned.reached.text,
                          actioned.waiting.text), ("12", "<5", "*"))
        self.assertEqual(actioned.median, "–")

    def test_under_ten_no_median_and_another_period_sees_none(self) -> None:
        self.referrals(6, [1, 2, 3, 4, 5, 6])
        assessed = timeliness.build(MARCH)[0]
        # None waiting (0 is "<5"): 6 reached beside a total of 6 would say so, so "*".
        self.assertEqual((assessed.received.text, assessed.reached.text), ("6", "*"))
        self.assertEqual(assessed.median, "–")
        april = timeliness.build(Period(date(2026, 4, 1), date(2026, 4, 30)))[0]
        self.assertEqual((april.reached.text, april.waiting.text), ("<5", "<5"))
        self.assertEqual(april.reached.value + april.waiting.value, 0)

    def test_the_committee_report_shows_the_table(self) -> None:
        self.referrals(12, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 40, None])
        html = render_html(build(MARCH))
        self.assertIn("Online referrals: time to act", html)
        self.assertIn("<td>Receipt to assessment</td><td class=\"num\">12</td>"
                      "<td class=\"num\">*</td>", html)
        self.assertIn("<td class=\"num\">5.0</td><td class=\"num\">9.0</td>", html)
