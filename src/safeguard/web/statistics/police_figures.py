"""The committee report's and the statistics page's police figures: people sharing
indecent images per district and quarter (intelligence_figures.py), and arrests and
charges per operation (operations.py), as one template context.

Both come from police records, so they follow the statistics page's rule for exact
figures (views.may_see_exact: police users): the intelligence figures are in a copy made
by a police user only; the operations are those the maker may see under the policy
(operations.visible_operations). A copy made without a user (the command line) or by a
partner has neither, and says so in one sentence rather than leaving a gap.
"""

from __future__ import annotations

from typing import Any

from ..accounts.models import User
from ..core.policy import is_police
from . import intelligence_figures, operations, trends
from .periods import Period


def context(period: Period, viewer: User | None, *, suppress: bool = True) -> dict[str, Any]:
    # is_police is the rule behind views.may_see_exact (not imported: views imports the
    # report, which imports this).
    police = viewer is not None and is_police(viewer)
    quarters = trends.quarters_to(period.end)
    sharing = intelligence_figures.build(quarters, suppress=suppress) if police else None
    ops = (operations.build(period, operations.visible_operations(viewer), suppress=suppress)
           if viewer is not None else None)
    return {
        "people_sharing": sharing,
        "people_sharing_first": trends.quarter_label(quarters[0]),
        "people_sharing_last": trends.quarter_label(quarters[-1]),
        # "Q2" over "2024", as under the trend charts' bars: eight month ranges would not
        # fit across A4 beside the districts' names.
        "people_sharing_heads": [(f"Q{(q.start.month - 1) // 3 + 1}", q.end.year)
                                 for q in quarters],
        "people_sharing_definition": intelligence_figures.DEFINITION,
        "operation_figures": ops,
        "operations_definition": operations.DEFINITION,
    }
