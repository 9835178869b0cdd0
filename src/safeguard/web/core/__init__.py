"""The kernel: what every app shares, and the only web package apps import helpers from.

- policy.py: the access policy every view asks first (owner, share, sections, the one
  police rule `is_police`); errors.py: its refusals, NoAccess (404) and Forbidden (403).
- sharing.py: sharing a record with another agency, and the pages for it.
- models/: AgencyOwned and Recorded (the base of every agency's records), Share, the
  districts (Area) and the rate-limit counts (RateCount); ratelimit.py counts with them.
- clock.py: the one clock ("now", "today"), fixed in tests by the setting CLOCK_NOW.
- forms.py (widgets, narrowed choices), saving.py (save with the audit event),
  problems.py (a form's error summary), params.py (ids from requests), formats.py (dates,
  sizes, durations written one way), demo.py (the demo builders' one pattern), moves.py
  (a model moved to another app: its content types follow it).
- The base template, the home page, the navigation and the shared static files.

Apps import records from each other (a register child, an exhibit) but helpers only
from here; core imports no app but accounts and audit.
"""
