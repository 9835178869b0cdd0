"""What every app's records build on: agency ownership and sharing (owned.py), the
districts (areas.py) and the rate-limit counts (ratecounts.py)."""

from .areas import Area
from .owned import AgencyOwned, Assigned, Recorded, Share, ShareQuerySet
from .ratecounts import RateCount

__all__ = ["AgencyOwned", "Area", "Assigned", "RateCount", "Recorded", "Share", "ShareQuerySet"]
