"""The demo's "one child" (duplicates.py): identifiers, duplicates to find and a merge.

- About half the demo children get a synthetic NHS number (a valid check digit, from a
  serial: no real person's) and some a unique pupil number;
- DUPLICATES children recorded by the police are recorded a second time by their council,
  differently, as agencies do: a nickname, a typing slip in the surname, the day and
  month of the date of birth swapped, a moved address, no identifiers. Each council
  record replaces one of the council's own demo children (the register keeps its 200);
- the first pair is merged (by the council's supervisor, with the reason), so that the
  merge and its undo can be shown; the others are left for the duplicate check to find
  on the child's page.

Run after the children are made and before their records, from the same seeded generator.
"""

from __future__ import annotations

from typing import Any

from nicknames import NickNamer

from .matching import swapped, synthetic_nhs_number
from .models import Child, ChildMerge

DUPLICATES = 5


def make_duplicates(builder: Any) -> None:
    """`builder`: the register's demo builder (its children, agencies, users and rng)."""
    rng = builder.rng
    children: list[Child] = builder.children
    for number, child in enumerate(children):
        if rng.random() < 0.5:
            child.nhs_number = synthetic_nhs_number(900_000_000 + 7 * number)
        if child.age_on(builder.today) >= 5 and rng.random() < 0.4:
            child.upn = f"D{820_000_000_00 + number:011d}{rng.randrange(10)}"
    namer = NickNamer()
    police = [c for c in children if c.owning_agency_id == builder.police.pk]
    taken: set[int] = set()
    pairs: list[tuple[Child, Child]] = []
    for original in police:
        council = builder.council_for(original)
        second = next((c for c in children if c.owning_agency_id == council.pk
                       and c.pk not in taken and c.district_id == original.district_id
                       and c.legal_status == original.legal_status), None)
        if second is None:
            continue
        taken.add(second.pk)
        _record_again(builder, original, second, len(pairs), namer)
        pairs.append((original, second))
        if len(pairs) == DUPLICATES:
            break
    Child.objects.bulk_update(children, ["nhs_number", "upn", "first_name", "last_name",
                                         "known_as", "date_of_birth", "gender", "address"])
    if pairs:
        kept, merged = pairs[0]
        merged.merged_into = kept
        merged.save(update_fields=["merged_into"])
        ChildMerge.objects.create(
            kept=kept, merged=merged, merged_by=builder.sharer[merged.owning_agency_id],
            reason="Demo: the council registered this child again after a school referral; "
                   "the police record is the one kept.",
            evidence="the same date of birth; first name: nickname; surname: the same")


def _record_again(builder: Any, original: Child, second: Child, kind: int,
                  namer: NickNamer) -> None:
    """`second` becomes the council's own record of `original`'s child, told differently."""
    rng = builder.rng
    nicks = sorted(namer.nicknames_of(original.first_name.lower()))
    second.first_name = original.first_name
    second.last_name = original.last_name
    second.gender = original.gender
    second.date_of_birth = original.date_of_birth
    second.address = original.address
    second.nhs_number = second.upn = ""  # the second agency did not have them
    if kind % 2 == 0 and nicks:
        second.first_name = rng.choice(nicks).capitalize()
    elif kind % 2 == 0:
        second.known_as = original.first_name[:3]
    if kind == 1 and len(original.last_name) > 4:
        name = original.last_name
        second.last_name = name[:2] + name[3] + name[2] + name[4:]
    other = swapped(original.date_of_birth)
    if kind in (2, 3) and other is not None and other <= original.date_of_birth:
        second.date_of_birth = other
    if kind >= 3:
        second.address = f"{builder.fake.building_number()} {builder.fake.street_name()}\n" \
                         f"{original.address.splitlines()[-1]}"
