"""Is this the same child? The comparison behind the duplicate check (duplicates.py) and
its benchmark (bench/child_duplicates.py): plain functions, no Django.

A child recorded by two agencies is usually recorded a little differently: a nickname
("Bill" for William), a typing slip, the day and month of the date of birth swapped
(04/07 and 07/04), an old address, and identifiers one agency has and the other lacks.

- Blocking: only records sharing an identifier, or a date of birth with the new one
  (exactly, or with day and month swapped), are compared. A date of birth is the one
  fact every agency records and rarely mistypes beyond a swap, and it cuts a register of
  100,000 children to a few dozen candidates, so the check at create time is one indexed
  query (`block_keys`).
- Identifiers decide when both records hold one: the same NHS number, unique pupil
  number or local authority id is the same child; two different NHS numbers or unique
  pupil numbers are two children (an NHS number carries a check digit, so a typing slip
  is refused on the form rather than left to look like another child).
- Otherwise the names decide, each compared with rapidfuzz (maintained, C++; Jaro-Winkler
  and the optimal string alignment distance, which counts a transposition as one slip)
  and the first name through the `nicknames` package's curated table of English
  nicknames. The address only adds weight: children move.
- A different recorded sex (both known) is two children: twins share a surname, a date
  of birth and an address, and are the commonest near-miss.

`compare` returns a Match with its reasons in words that never quote the other record's
values: the person registering typed the new child's details, and may not be allowed to
see the other record.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from nicknames import NickNamer
from rapidfuzz import fuzz
from rapidfuzz.distance import OSA, JaroWinkler

# Gender values that say nothing (models.common.Gender).
UNKNOWN_GENDERS = frozenset({"", "not_known", "other"})
# Two names agree on a slip: Jaro-Winkler this close, or one edit apart (OSA) when both
# are at least 4 letters long (a one-letter change in "Amy" makes "Ava"'s neighbour).
NAME_SIMILARITY = 0.92
SHORT_NAME = 4
# Two addresses are the same at this token-set ratio (0-100), or with the same postcode.
ADDRESS_SAME = 90
POSTCODE = re.compile(r"\b([A-Z]{1,2}\d[A-Z\d]?)\s*(\d[A-Z]{2})\b")


@dataclass(frozen=True)
class Identity:
    """What the check compares: the facts of a child record that identify a person."""

    first_name: str
    last_name: str
    date_of_birth: date
    gender: str = ""
    known_as: str = ""
    address: str = ""
    nhs_number: str = ""
    la_id: str = ""
    upn: str = ""


@dataclass(frozen=True)
class Match:
    score: int  # 0-100, for ordering the offers
    reasons: tuple[str, ...]
    identifier: bool = False  # decided by a shared identifier


def swapped(day: date) -> date | None:
    """The date with day and month swapped (4 July for 7 April), if that is a date."""
    if day.day > 12 or day.day == day.month:
        return None
    try:
        return day.replace(month=day.day, day=day.month)
    except ValueError:
        return None


def dob_variants(day: date) -> list[date]:
    other = swapped(day)
    return [day] if other is None else [day, other]


def clean_identifier(value: str) -> str:
    """Identifiers as stored and compared: letters and digits only, upper case."""
    return re.sub(r"[^0-9A-Za-z]", "", value or "").upper()


def nhs_check_digit(nine: str) -> int | None:
    """The modulus 11 check digit of an NHS number's first nine digits (NHS Data
    Dictionary); None where it would be 10: no NHS number starts so."""
    check = 11 - sum(int(d) * (10 - i) for i, d in enumerate(nine)) % 11
    return None if check == 10 else check % 11


def nhs_number_valid(value: str) -> bool:
    """NHS number: ten digits, the last its check digit."""
    digits = clean_identifier(value)
    if len(digits) != 10 or not digits.isdigit():
        return False
    return nhs_check_digit(digits[:9]) == int(digits[9])


def synthetic_nhs_number(serial: int) -> str:
    """A well-formed NHS number made from a serial, for synthetic data (demo, benchmark):
    the next serial whose check digit is not 10."""
    while (check := nhs_check_digit(f"{serial:09d}")) is None:
        serial += 1
    return f"{serial:09d}{check}"


def block_keys(person: Identity) -> set[tuple[str, str]]:
    """The keys a candidate must share with `person` to be compared at all."""
    keys = {("dob", d.isoformat()) for d in dob_variants(person.date_of_birth)}
    for kind, value in (("nhs", person.nhs_number), ("la", person.la_id),
                        ("upn", person.upn)):
        if value:
            keys.add((kind, clean_identifier(value)))
    return keys


def record_keys(person: Identity) -> set[tuple[str, str]]:
    """The keys a stored record is indexed under (its own date of birth only: the new
    child's variants reach it)."""
    keys = {("dob", person.date_of_birth.isoformat())}
    for kind, value in (("nhs", person.nhs_number), ("la", person.la_id),
                        ("upn", person.upn)):
        if value:
            keys.add((kind, clean_identifier(value)))
    return keys


def normal_name(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text or "")
    letters = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[^a-z]", "", letters.lower())


@lru_cache(maxsize=1)
def _nicknamer() -> NickNamer:
    return NickNamer()


@lru_cache(maxsize=20_000)
def _name_family(name: str) -> frozenset[str]:
    """The name with its canonical forms and their nicknames (William: Bill, Will...)."""
    namer = _nicknamer()
    family = {name} | namer.canonicals_of(name) | namer.nicknames_of(name)
    for canonical in namer.canonicals_of(name):
        family |= namer.nicknames_of(canonical)
    return frozenset(family)


def _close(a: str, b: str) -> bool:
    if not a or not b:
        return False
    if JaroWinkler.normalized_similarity(a, b) >= NAME_SIMILARITY:
        return True
    return min(len(a), len(b)) >= SHORT_NAME and OSA.distance(a, b) <= 1


def first_name_agreement(new: Identity, old: Identity) -> str | None:
    """"exact", "nickname", "close spelling" or None, over first names and known-as."""
    mine = [n for n in (normal_name(new.first_name), normal_name(new.known_as)) if n]
    theirs = [n for n in (normal_name(old.first_name), normal_name(old.known_as)) if n]
    if set(mine) & set(theirs):
        return "exact"
    if any(b in _name_family(a) for a in mine for b in theirs):
        return "nickname"
    if any(_close(a, b) for a in mine for b in theirs):
        return "close spelling"
    return None


def last_name_agreement(new: Identity, old: Identity) -> str | None:
    a, b = normal_name(new.last_name), normal_name(old.last_name)
    if a and a == b:
        return "exact"
    return "close spelling" if _close(a, b) else None


def postcode(address: str) -> str:
    found = POSTCODE.search((address or "").upper())
    return f"{found.group(1)}{found.group(2)}" if found else ""


def same_address(new: Identity, old: Identity) -> bool:
    if not new.address.strip() or not old.address.strip():
        return False
    code = postcode(new.address)
    if code and code == postcode(old.address):
        return True
    return fuzz.token_set_ratio(new.address.lower(), old.address.lower()) >= ADDRESS_SAME


def compare(new: Identity, old: Identity) -> Match | None:
    """Whether `old` is likely the child `new` describes; None when it is not."""
    same_dob = new.date_of_birth == old.date_of_birth
    swapped_dob = swapped(new.date_of_birth) == old.date_of_birth
    first = first_name_agreement(new, old)
    last = last_name_agreement(new, old)
    for label, a, b in (("NHS number", new.nhs_number, old.nhs_number),
                        ("unique pupil number", new.upn, old.upn),
                        ("local authority id", new.la_id, old.la_id)):
        # An identifier decides with one other fact beside it: one mistyped into the
        # wrong record (a sibling's) must not make two children one.
        if a and b and clean_identifier(a) == clean_identifier(b) and (
                same_dob or swapped_dob or (first and last)):
            return Match(100, (f"the same {label}",), identifier=True)
    for a, b in ((new.nhs_number, old.nhs_number), (new.upn, old.upn)):
        if a and b and clean_identifier(a) != clean_identifier(b):
            return None  # two identifiers of one kind: two children
    if (new.gender not in UNKNOWN_GENDERS and old.gender not in UNKNOWN_GENDERS
            and new.gender != old.gender):
        return None
    if same_dob:
        reasons, score = ["the same date of birth"], 40
    elif swapped_dob:
        reasons, score = ["the date of birth with day and month swapped"], 30
    else:
        return None
    if first is None or last is None:
        return None
    reasons.append(f"first name: {'the same' if first == 'exact' else first}")
    reasons.append(f"surname: {'the same' if last == 'exact' else last}")
    score += 25 if first == "exact" else 20
    score += 25 if last == "exact" else 18
    if same_address(new, old):
        reasons.append("the same address")
        score += 10
    return Match(min(score, 99), tuple(reasons))
