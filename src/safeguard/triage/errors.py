"""The engine's error vocabulary.

Two kinds of failure must never be confused (plaso's lesson): a reader that does not
recognise its input says `NotThisFormat` and the next reader tries; anything else is
damaged or unusable input, reported as a warning row naming the item, and the run goes on.
"""

from __future__ import annotations


class SafeguardError(Exception):
    """Base of every error the engine raises on purpose; its message is for a person."""


class NotThisFormat(SafeguardError):
    """This reader does not recognise the input: let the next one try."""


class EvidenceError(SafeguardError):
    """Evidence that cannot be opened or read at all (missing, truncated, corrupt)."""


class HashSetError(SafeguardError):
    """A hash set that cannot be imported or used (malformed file, unknown name...)."""


class UsageError(SafeguardError):
    """The request itself is wrong (bad option value, unknown digest name)."""


class ContentNotFound(EvidenceError):
    """The address no longer leads to a file in this evidence (moved, replaced, damaged),
    or it names something that cannot be read back (a carved file)."""


class MediaError(SafeguardError):
    """A picture or video that cannot be decoded (damaged, truncated, not media at all)."""


class ResumeRefused(UsageError):
    """The evidence is not what the interrupted run examined: resuming would mix the two
    in one report."""


class JournalError(UsageError):
    """The run journal in the output folder is damaged: the run cannot be resumed."""


class ReportError(SafeguardError):
    """A run folder whose reports cannot be read back (missing, damaged, not the engine's)."""
