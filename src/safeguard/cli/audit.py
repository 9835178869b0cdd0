"""`safeguard audit verify` and `safeguard audit anchor`: the hash-chained audit log
(docs/web.md, "The audit log")."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .django_setup import setup_django
from .exitcodes import ExitCode


@click.group()
def audit() -> None:
    """The audit log."""


@audit.command("verify")
@click.option("--anchor", default=None, metavar="SEQUENCE:HASH",
              help="Check against this head instead of the newest exported anchor.")
@click.option("--anchor-file", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Read the anchors from this copy (default: SAFEGUARD_AUDIT_ANCHOR_FILE).")
def audit_verify(anchor: str | None, anchor_file: Path | None) -> None:
    """Walk the keyed hash chain and check it against the newest exported anchor; report
    the first row altered, forged or removed (exit 3)."""
    expected: tuple[int, str] | None = None
    if anchor is not None:
        sequence, _, digest = anchor.partition(":")
        if not sequence.isdigit() or len(digest) != 64:
            raise click.UsageError("--anchor takes SEQUENCE:HASH, e.g. 1200:3f5a...")
        expected = (int(sequence), digest.lower())
    setup_django()
    from safeguard.web.audit.anchors import AnchorError, latest_anchor
    from safeguard.web.audit.chain import verify_chain

    if expected is None:
        try:
            newest = latest_anchor(anchor_file)
        except AnchorError as exc:
            # Broken anchors are damaged input (exit 3), reported on stdout with the check.
            click.echo(f"audit anchors damaged: {exc}")
            sys.exit(ExitCode.INPUT)
        if newest is not None:
            expected = (newest.sequence, newest.hash)
            click.echo(f"checked against the anchor of {newest.at} (row {newest.sequence})")
        else:
            click.echo("no anchor exported yet: the chain is checked alone, which cannot "
                       "show rows removed from its end together with its head")
    result = verify_chain(anchor=expected)
    click.echo(result.summary())
    if result.ok:
        click.echo(f"anchor: {result.head_sequence}:{result.head_hash}")
    # A broken chain: the data read is not what was written.
    sys.exit(ExitCode.OK if result.ok else ExitCode.INPUT)


@audit.command("anchor")
def audit_anchor() -> None:
    """Export the chain's head to the anchor file now (also done as events are written)."""
    setup_django()
    from safeguard.web.audit.anchors import export_head

    anchor = export_head()
    click.echo(f"anchored row {anchor.sequence}" if anchor else "nothing new to anchor")
