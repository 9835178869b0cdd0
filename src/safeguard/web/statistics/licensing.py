"""CSE and licensing in the committee report: what the partnership knows of the taxi and
private hire drivers each licensing authority licenses, their awareness training, and the
concern reports and referrals that reach the licensing authorities.

By licensing authority (the district, borough or unitary council that issued the badge),
one row each, and for all authorities:

- **licensed drivers**: badges on record when the report is made and not marked lapsed
  or revoked (a driver's licence has no history on the platform, so a past period counts
  today's drivers). A badge is counted once however many agencies hold a record of it
  (the police and the council often both do): a driver is the pair (authority, badge).
- **trained, refresher in date**: of those, trained at a session held by the period's end
  whose refresher (the last session + partners.conf.refresher_months) is due on or after
  the period's last day; **refresher overdue**: trained, but the refresher was due before
  it. The two and the never-trained add up to the licensed drivers; the never-trained are
  not published, so that the two cannot be subtracted from the licensed.
- **trained in the period**: licensed drivers at a session held in the period.
- **concern reports linked**: reports received in the period with a licence holder
  (badge) or a vehicle linked, under the authority of the first link, so that each
  report is counted once.
- **referrals**: referrals to the licensing authority sent in the period, not withdrawn.

Each column is a table of its own, protected with its total (suppression.protect_column):
a count below 5 reads "<5", and a count its total would give away "*". Coverage (trained
in date out of licensed) is given as a percentage only where both counts are published.
The report is always suppressed; the statistics page shows exact counts where its rule
for exact figures allows them (views.dashboard: `suppress=False`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from ..accounts.models import Agency, AgencyKind
from ..partners.conf import refresher_months
from ..partners.models import ConcernLicence, LicensedDriver, LicensingReferral
from ..partners.refreshers import due_on, with_last_trained
from .periods import Period
from .suppression import Cell, column, percent

COLUMNS = (
    ("licensed", "Licensed drivers"),
    ("in_date", "Trained, refresher in date"),
    ("overdue", "Refresher overdue"),
    ("trained_in_period", "Trained in the period"),
    ("concerns", "Concern reports linked to a licence or vehicle"),
    ("referrals", "Referrals to the licensing authority"),
)
KEYS = tuple(key for key, _ in COLUMNS)

Badge = tuple[int, str]  # (licensing authority, badge number)


@dataclass(frozen=True)
class Row:
    name: str
    cells: list[Cell]
    coverage: str


@dataclass(frozen=True)
class Licensing:
    columns: tuple[tuple[str, str], ...]
    rows: list[Row]
    total: Row
    suppressed: bool = True

    @property
    def anything_shown(self) -> bool:
        return any(c.published for c in self.total.cells) or any(
            c.published for row in self.rows for c in row.cells)


def counts(period: Period) -> dict[int, dict[str, int]]:
    """The exact counts by licensing authority (pk), before suppression."""
    result: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(KEYS, 0))
    end = period.end
    licensed: set[Badge] = set()
    last: dict[Badge, date] = {}
    # Every driver record with its last session by the period's end, by refreshers' one
    # rule. A badge is licensed if any of its records says so, and its last training is
    # the latest over all its records (the police's and the council's), licensed or not.
    for authority, badge, is_licensed, trained in with_last_trained(
            LicensedDriver.objects.order_by(), end).values_list(
            "licensing_authority_id", "badge_number", "licensed", "last_trained"):
        key = (authority, badge)
        if is_licensed:
            licensed.add(key)
        if trained is not None:
            last[key] = max(trained, last.get(key, trained))
    for key in licensed:
        row = result[key[0]]
        row["licensed"] += 1
        if key in last:
            row["in_date" if due_on(last[key]) >= end else "overdue"] += 1
            # The last session by the end falls in the period iff any session did.
            row["trained_in_period"] += last[key] >= period.start
    first_link: dict[int, int] = {}
    for report, authority in ConcernLicence.objects.filter(
            report__received_at__gte=period.first_moment,
            report__received_at__lt=period.after).order_by("pk").values_list(
            "report_id", "licensing_authority_id"):
        first_link.setdefault(report, authority)
    for authority in first_link.values():
        result[authority]["concerns"] += 1
    for authority in LicensingReferral.objects.filter(
            created_at__gte=period.first_moment, created_at__lt=period.after,
            revoked_at__isnull=True).values_list("assigned_agency_id", flat=True):
        result[authority]["referrals"] += 1
    return dict(result)


def build(period: Period, *, suppress: bool = True) -> Licensing:
    raw = counts(period)
    authorities = [a for a in Agency.objects.filter(
        kind=AgencyKind.LICENSING_AUTHORITY).order_by("name") if a.active or a.pk in raw]
    columns = [column([raw.get(a.pk, {}).get(key, 0) for a in authorities], suppress)
               for key in KEYS]
    rows = []
    for index, authority in enumerate(authorities):
        cells = [column[0][index] for column in columns]
        rows.append(Row(authority.name, cells, percent(cells[1], cells[0])))
    totals = [column[1] for column in columns]
    return Licensing(COLUMNS, rows, Row("All licensing authorities", totals,
                                        percent(totals[1], totals[0])), suppress)


def context(period: Period, *, suppress: bool = True) -> dict[str, object]:
    """The committee report's part and the statistics page's (statistics/_licensing.html)."""
    return {"licensing": build(period, suppress=suppress),
            "licensing_months": refresher_months()}
