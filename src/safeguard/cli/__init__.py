"""The `safeguard` command line: one module per command group.

    root.py         the `safeguard` group, registering the others
    triage.py       safeguard triage
    hashset.py      safeguard hashset import|build|list|show|verify|remove
    demo.py         safeguard demo; safeguard web seed-demo|seed-safeguarding|totp
    serve.py        safeguard serve, safeguard worker
    audit.py        safeguard audit verify|anchor
    web.py          safeguard web create-admin|manage (and the demo and report commands)
    statistics.py   safeguard web committee-report
    intel.py        safeguard intel ...
    retention.py    safeguard retention due|sightings
    exitcodes.py    ExitCode, the one set of exit codes; the engine's ExitStatus maps to it
    django_setup.py setup_django(), migrate_database(): the one place Django is set up

The engine's commands never load Django: the web commands import it inside their
functions, after `setup_django()` (tests/test_engine_isolation.py). The web platform never
imports this package.
"""

from .exitcodes import ExitCode
from .root import main

__all__ = ["ExitCode", "main"]
