"""Taking in NCMEC CyberTipline packages: read (ncmec.py), then each report as a referral.

    result = import_ncmec(actor, Path("cybertip-123456789.zip"), channel=Channel.FILE)

Each report goes in through import_referral, one transaction each, with its XML and its
facts (escalation, annotations, the children it names): kept whole or not at all. A
report that cannot be read is refused with every problem naming its element; the others
go in (`strict`: nothing goes in if any is refused).
"""

from __future__ import annotations

from pathlib import Path

from .areas import build_resolver
from .auditing import Actor
from .matching import Matcher
from .ncmec import FORMAT
from .ncmec_package import read_packages
from .referral_import import FileResult, Source, import_referral
from .schema import FieldError, SchemaError


def import_ncmec(actor: Actor, path: Path, *, channel: str, strict: bool = False
                 ) -> FileResult:
    result = FileResult()
    reports, warnings, refused = read_packages(path)
    result.warnings.extend(warnings)
    for report in reports:
        result.warnings.extend(f"{report.source}: {w}" for w in report.warnings)
    for problem in refused:
        result.invalid += 1
        result.errors.extend(FieldError(problem.source, p) for p in problem.problems)
    if strict and refused:
        return result
    resolver = build_resolver()
    result.warnings.extend(resolver.warnings)
    with Matcher.configured() as matcher:
        result.warnings.extend(matcher.warnings)
        for report in reports:
            try:
                outcome = import_referral(
                    actor, report.document, channel=channel, matcher=matcher,
                    resolver=resolver, source=Source(FORMAT, report.xml, report.facts))
            except SchemaError as exc:
                result.invalid += 1
                result.errors.extend(FieldError(f"{report.source}: {e.field}", e.message)
                                     for e in exc.errors)
                continue
            if outcome.duplicate:
                result.duplicates += 1
                continue
            result.created += 1
            result.notes.extend(outcome.notes)
            assert outcome.links is not None
            result.subjects.update(s.pk for s in outcome.links.subjects)
    return result
