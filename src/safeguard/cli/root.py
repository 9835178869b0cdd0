"""The `safeguard` command group: every command group of the package, registered here
(the package's __init__ lists them)."""

from __future__ import annotations

import click

from .. import __version__
from .audit import audit
from .demo import demo
from .hashset import hashset
from .intel import intel
from .retention import retention
from .serve import serve, worker
from .triage import triage_command
from .validate import validate_command
from .web import web


@click.group()
@click.version_option(__version__, prog_name="safeguard")
def main() -> None:
    """Safeguard: forensic triage and the multi-agency safeguarding platform."""


for command in (triage_command, hashset, demo, serve, worker, audit, web, intel, retention,
                validate_command):
    main.add_command(command)
