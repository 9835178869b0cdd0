"""The `safeguard` command group: every command group of the package, registered here
(the package's __init__ lists them)."""

from __future__ import annotations

import importlib

import click

from .. import __version__
from .triage import triage_command

# The other commands' modules, imported only when their command runs or help lists it:
# `safeguard triage` would otherwise load them all, and the hash set formats that
# hashset.py's options name, before its workers start (tests/triage/test_startup_imports.py).
# Each command's name, its module (relative to this package) and the command in it.
_LAZY: dict[str, tuple[str, str]] = {
    "hashset": (".hashset", "hashset"),
    "demo": (".demo", "demo"),
    "serve": (".serve", "serve"),
    "worker": (".serve", "worker"),
    "audit": (".audit", "audit"),
    "web": (".web", "web"),
    "intel": (".intel", "intel"),
    "retention": (".retention", "retention"),
    "validate": (".validate", "validate_command"),
}


class _Commands(click.Group):
    """A group whose commands other than triage are loaded when first asked for."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *_LAZY})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in _LAZY:
            module, name = _LAZY[cmd_name]
            command = getattr(importlib.import_module(module, __package__), name)
            assert isinstance(command, click.Command)
            self.add_command(command, cmd_name)
        return super().get_command(ctx, cmd_name)


@click.group(cls=_Commands)
@click.version_option(__version__, prog_name="safeguard")
def main() -> None:
    """Safeguard: forensic triage and the multi-agency safeguarding platform."""


main.add_command(triage_command)
