"""The triage engine: a library that never imports Django (a test checks it).

Its public surface is this package: callers (the command line's peers, the web platform)
import from `safeguard.triage` only, never from its modules.

    outcome = triage(["/evidence/usb.dd"], TriageOptions(out_dir=out, hashsets=sets))
    run = read_run(out)                       # report.json as dataclasses, files.csv rows
    with open_content("/evidence/usb.dd", address) as stream: ...   # an item read again

The names are loaded when first used (PEP 562, `__getattr__` below), not when the package
is: a triage run's start-up, before its workers are forked, would otherwise pay for the
report writers, the hash set formats and the item reader it uses only at the end or never
(tests/triage/test_startup_imports.py). The errors are cheap and loaded at once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .errors import (
    ContentNotFound,
    EvidenceError,
    HashSetError,
    JournalError,
    MediaError,
    ReportError,
    ResumeRefused,
    SafeguardError,
    UsageError,
)
from .lazy import lazy_names

if TYPE_CHECKING:
    from .evidence.base import EvidenceInfo
    from .evidence.fetch import close_open_images, open_content
    from .expansion import ExpansionLimits
    from .hashsets import (
        KNOWN_BAD,
        KNOWN_GOOD,
        UNCATEGORISED,
        HashSet,
        HashSetInfo,
        HashSetStore,
        UkCategory,
        default_home,
    )
    from .journal import Journal
    from .perceptual import DEFAULT_DISTANCE, PerceptualOptions
    from .pipeline import ExitStatus, ProgressSink, TriageOptions, TriageOutcome, triage
    from .records import (
        DIGESTS,
        Address,
        Digest,
        FileType,
        Match,
        Record,
        TriageWarning,
        address_of,
        join_archive_chain,
        split_archive_chain,
    )
    from .reports import (
        FIELDNAMES,
        CategoryFigures,
        FinishedRun,
        Summary,
        SummaryBuilder,
        number_from_cell,
        read_files_csv,
        read_run,
        record_from_row,
        time_from_cell,
    )
    from .reports.vics_export import (
        DEFAULT_CATEGORY_CODES,
        UNCATEGORISED_CODE,
        VICS_CONTEXT,
        category_codes,
    )
    from .results import HashSetUse

# Each lazily loaded name and the module (relative to this package) that defines it; the
# same modules as the imports above, which mypy and the import contracts read.
_LAZY: dict[str, str] = {
    **dict.fromkeys(["EvidenceInfo"], ".evidence.base"),
    **dict.fromkeys(["close_open_images", "open_content"], ".evidence.fetch"),
    **dict.fromkeys(["ExpansionLimits"], ".expansion"),
    **dict.fromkeys(["KNOWN_BAD", "KNOWN_GOOD", "UNCATEGORISED", "HashSet", "HashSetInfo",
                     "HashSetStore", "UkCategory", "default_home"], ".hashsets"),
    **dict.fromkeys(["Journal"], ".journal"),
    **dict.fromkeys(["DEFAULT_DISTANCE", "PerceptualOptions"], ".perceptual"),
    **dict.fromkeys(["ExitStatus", "ProgressSink", "TriageOptions", "TriageOutcome",
                     "triage"], ".pipeline"),
    **dict.fromkeys(["DIGESTS", "Address", "Digest", "FileType", "Match", "Record",
                     "TriageWarning", "address_of", "join_archive_chain",
                     "split_archive_chain"], ".records"),
    **dict.fromkeys(["FIELDNAMES", "CategoryFigures", "FinishedRun", "Summary",
                     "SummaryBuilder", "number_from_cell", "read_files_csv", "read_run",
                     "record_from_row", "time_from_cell"], ".reports"),
    **dict.fromkeys(["DEFAULT_CATEGORY_CODES", "UNCATEGORISED_CODE", "VICS_CONTEXT",
                     "category_codes"], ".reports.vics_export"),
    **dict.fromkeys(["HashSetUse"], ".results"),
}


__getattr__, __dir__ = lazy_names(__name__, _LAZY, globals())

__all__ = [
    "DEFAULT_CATEGORY_CODES",
    "DEFAULT_DISTANCE",
    "DIGESTS",
    "FIELDNAMES",
    "KNOWN_BAD",
    "KNOWN_GOOD",
    "UNCATEGORISED",
    "UNCATEGORISED_CODE",
    "VICS_CONTEXT",
    "Address",
    "CategoryFigures",
    "ContentNotFound",
    "Digest",
    "EvidenceError",
    "EvidenceInfo",
    "ExitStatus",
    "ExpansionLimits",
    "FileType",
    "FinishedRun",
    "HashSet",
    "HashSetError",
    "HashSetInfo",
    "HashSetStore",
    "HashSetUse",
    "Journal",
    "JournalError",
    "Match",
    "MediaError",
    "PerceptualOptions",
    "ProgressSink",
    "Record",
    "ReportError",
    "ResumeRefused",
    "SafeguardError",
    "Summary",
    "SummaryBuilder",
    "TriageOptions",
    "TriageOutcome",
    "TriageWarning",
    "UkCategory",
    "UsageError",
    "address_of",
    "category_codes",
    "close_open_images",
    "default_home",
    "join_archive_chain",
    "number_from_cell",
    "open_content",
    "read_files_csv",
    "read_run",
    "record_from_row",
    "split_archive_chain",
    "time_from_cell",
    "triage",
]
