"""Access codes: what a trained business types (or follows as a link) to report a concern.

A code is 25 characters of Crockford's base32 (0-9 and A-Z without I, L, O, U), 125 random
bits from the operating system's generator, shown in five groups: `K7QD9-XMP2R-...`.
People type what is on a card, so reading is forgiving: case, spaces and hyphens are
ignored, and O, I and L are read as 0, 1 and 1 (Crockford's rule). Only the SHA-256 of the
normalised code is stored: a fast hash is enough for 125 random bits (nobody can search
that space offline), and it lets the form find the code with one indexed look-up.

No Django import: the rules are plain functions, tested on their own.
"""

from __future__ import annotations

import hashlib
import re
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 25
GROUP = 5
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})
_IGNORED = re.compile(r"[\s\-]+")
_VALID = re.compile(f"^[{ALPHABET}]{{{LENGTH}}}$")
# Anything longer than this is not a code, whatever it holds: refused before any work.
MAX_TYPED = 64


def new_code() -> str:
    """A fresh code, normalised (25 characters, no separators)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalise(typed: str) -> str | None:
    """The code as stored-before-hashing, or None when `typed` cannot be a code."""
    if len(typed) > MAX_TYPED:
        return None
    code = _IGNORED.sub("", typed).upper().translate(_READ_AS)
    return code if _VALID.match(code) else None


def digest(code: str) -> str:
    """SHA-256 (hex) of a normalised code: what the database keeps."""
    return hashlib.sha256(code.encode("ascii")).hexdigest()


def grouped(code: str) -> str:
    """`K7QD9XMP2R...` as `K7QD9-XMP2R-...`, for cards and screens."""
    return "-".join(code[i:i + GROUP] for i in range(0, len(code), GROUP))
