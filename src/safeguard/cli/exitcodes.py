"""The exit codes of every `safeguard` command, in one enum (style.md, convention 7).

The engine does not know about exit codes: `triage()` returns a `TriageOutcome` whose
`ExitStatus` says how the run ended, and `ExitCode.of` maps it here, in the CLI only.
docs/triage.md documents each code (tests/test_docs.py checks that it does).
"""

from __future__ import annotations

import enum
import sys
from typing import TYPE_CHECKING, NoReturn

import click

if TYPE_CHECKING:
    # Only named: importing it would load the triage pipeline for every command.
    from ..triage import ExitStatus


class ExitCode(enum.IntEnum):
    OK = 0
    # The request was wrong and nothing was done: a bad option or name, a bad setting
    # (one line naming it), not demo mode, a resume over changed evidence.
    USAGE = 2
    # An input could not be read: an evidence item, a hash set, a file to import, an
    # unknown demo user; or the audit chain is broken (what was read is not what was
    # written).
    INPUT = 3
    # Finished, but look: warnings about some items, rows skipped, referrals refused, or
    # (`safeguard retention due --fail-if-due`) records due for review.
    WARNINGS = 4

    @classmethod
    def of(cls, status: ExitStatus) -> ExitCode:
        """The exit code for how a triage ended: the code of the status's name (each
        status has its code of the same name: tests/test_cli_exitcodes.py)."""
        return cls[status.name]


def fail(code: ExitCode, message: str) -> NoReturn:
    """Stop with one line on stderr (`Error: ...`) and the exit code: never a traceback."""
    click.echo(f"Error: {message}", err=True)
    sys.exit(int(code))
