"""Benchmark: finding the same child registered twice.

    .venv/bin/python bench/child_duplicates.py                 # 100,000 children
    .venv/bin/python bench/child_duplicates.py --children 20000 --no-record

1. A synthetic register (names and addresses from Faker en_GB with a fixed seed; nothing
   real): 95 % distinct children, 1.5 % of them with a twin (same surname, date of birth
   and address: the hardest honest negative), and 5 % duplicates of children already on
   it, each changed the ways two agencies' records of one child differ: a typing slip in
   a name, a nickname, day and month of the date of birth swapped, a moved address,
   identifiers missing (each kind drawn independently; every duplicate differs in some way).
2. Quality: every record is checked against the records before it, as if registered in
   that order, with the product's own blocking keys and comparison (matching.py) over an
   in-memory index of the same keys. An offer is a pair the check returns; the truth is
   the pairs of records of one child. Precision and recall of the offers.
3. Speed at create time: the 100,000 records go into the platform's database (SQLite,
   the tests' settings) and `duplicates.find_duplicates` (the function the "New child"
   page calls: one indexed query on the blocking keys, then the comparison) runs for 1,000
   duplicates and 1,000 new children, each against all the other records; p50/p95/p99 in
   milliseconds. Its offers are checked against the in-memory comparison's for the same
   record against the same stored records.

Figures go to docs/benchmarks.md (section `child_duplicates`).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import WORK, machine, record  # noqa: E402
from safeguard.web.safeguarding.matching import (  # noqa: E402
    Identity,
    block_keys,
    compare,
    record_keys,
    swapped,
    synthetic_nhs_number,
)

TODAY = date(2026, 12, 1)
LETTERS = "abcdefghijklmnopqrstuvwxyz"


def typo(rng: random.Random, name: str) -> str:
    """One slip: a letter changed, dropped, doubled or two swapped."""
    if len(name) < 3:
        return name + rng.choice(LETTERS)
    i = rng.randrange(1, len(name) - 1)
    kind = rng.choice(("sub", "drop", "double", "swap"))
    if kind == "sub":
        return name[:i] + rng.choice(LETTERS) + name[i + 1:]
    if kind == "drop":
        return name[:i] + name[i + 1:]
    if kind == "double":
        return name[:i] + name[i] + name[i:]
    return name[:i] + name[i + 1] + name[i] + name[i + 2:]


def build_register(n: int, seed: int) -> tuple[list[Identity], list[int], dict[str, int]]:
    """The records in registration order, and for each the index of its child."""
    from faker import Faker
    from nicknames import NickNamer

    rng = random.Random(seed)
    fake = Faker("en_GB")
    fake.seed_instance(seed)
    namer = NickNamer()
    female = [fake.first_name_female() for _ in range(3000)]
    male = [fake.first_name_male() for _ in range(3000)]
    surnames = [fake.last_name() for _ in range(8000)]
    addresses = [f"{fake.street_address()}, {fake.city()} {fake.postcode()}"
                 for _ in range(20000)]
    n_dups = n * 5 // 100
    originals: list[Identity] = []
    serials = iter(rng.sample(range(10**6, 10**9, 7), 2 * n))  # distinct identifiers

    def ids(nhs: bool, upn: bool, la: bool) -> dict[str, str]:
        serial = next(serials)
        return {"nhs_number": synthetic_nhs_number(serial) if nhs else "",
                "upn": f"A{serial:012d}" if upn else "",
                "la_id": f"LA{serial:09d}" if la else ""}
    while len(originals) < n - n_dups:
        gender = rng.choice(("female", "male"))
        born = TODAY - timedelta(days=rng.randrange(365, 365 * 18))
        person = Identity(
            first_name=rng.choice(female if gender == "female" else male),
            last_name=rng.choice(surnames), date_of_birth=born, gender=gender,
            address=rng.choice(addresses),
            **ids(rng.random() < 0.6, rng.random() < 0.5, rng.random() < 0.4))
        originals.append(person)
        if rng.random() < 0.015:  # a twin: another child, as alike as children get
            twin_gender = rng.choice(("female", "male"))
            pool = female if twin_gender == "female" else male
            first = rng.choice(pool)
            while first == person.first_name:
                first = rng.choice(pool)
            originals.append(replace(
                person, first_name=first, gender=twin_gender,
                **ids(bool(person.nhs_number), bool(person.upn), bool(person.la_id))))
    originals = originals[:n - n_dups]
    kinds = {"typo": 0, "nickname": 0, "swapped": 0, "moved": 0, "identifiers": 0}
    records = list(originals)
    child_of = list(range(len(originals)))
    for _ in range(n_dups):
        k = rng.randrange(len(originals))
        base = originals[k]
        dup, changed = base, False
        if rng.random() < 0.4:
            if rng.random() < 0.5:
                dup = replace(dup, first_name=typo(rng, dup.first_name).capitalize())
            else:
                dup = replace(dup, last_name=typo(rng, dup.last_name).capitalize())
            kinds["typo"] += 1
            changed = True
        nicks = sorted(namer.nicknames_of(base.first_name.lower()))
        if nicks and rng.random() < 0.3:
            dup = replace(dup, first_name=rng.choice(nicks).capitalize())
            kinds["nickname"] += 1
            changed = True
        other = swapped(base.date_of_birth)
        if other is not None and rng.random() < 0.25:
            dup = replace(dup, date_of_birth=other)
            kinds["swapped"] += 1
            changed = True
        if rng.random() < 0.4:
            dup = replace(dup, address=rng.choice(addresses))
            kinds["moved"] += 1
            changed = True
        if rng.random() < 0.7 or not changed:
            dup = replace(dup, nhs_number=dup.nhs_number if rng.random() < 0.3 else "",
                          upn=dup.upn if rng.random() < 0.3 else "",
                          la_id=dup.la_id if rng.random() < 0.3 else "")
            kinds["identifiers"] += 1
        records.append(dup)
        child_of.append(k)
    order = list(range(len(records)))
    rng.shuffle(order)
    return [records[i] for i in order], [child_of[i] for i in order], kinds


def evaluate(records: list[Identity], child_of: list[int]) -> dict[str, object]:
    """Every record against those before it, through an index of the blocking keys."""
    index: dict[tuple[str, str], list[int]] = {}
    true_pairs = offered_pairs = hits = 0
    first_seen: dict[int, list[int]] = {}
    started = time.perf_counter()
    for i, person in enumerate(records):
        candidates: set[int] = set()
        for key in block_keys(person):
            candidates.update(index.get(key, ()))
        found = {j for j in candidates if compare(person, records[j]) is not None}
        same = first_seen.setdefault(child_of[i], [])
        true_pairs += len(same)
        offered_pairs += len(found)
        hits += sum(1 for j in found if child_of[j] == child_of[i])
        same.append(i)
        for key in record_keys(person):
            index.setdefault(key, []).append(i)
    elapsed = time.perf_counter() - started
    return {"true": true_pairs, "pairs": offered_pairs, "hits": hits,
            "precision": hits / offered_pairs if offered_pairs else 1.0,
            "recall": hits / true_pairs if true_pairs else 1.0, "seconds": elapsed}


def create_time(records: list[Identity], chosen: set[int], matches: dict[int, set[int]]
                ) -> dict[str, object]:
    """The product's check on its database: the records `chosen` are checked against all
    the others, stored; `matches` holds the in-memory check's answer for each."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.web.settings")
    sys.path.insert(0, str(ROOT))
    work = WORK / "child_duplicates"
    work.mkdir(parents=True, exist_ok=True)
    database = work / "register.sqlite3"
    database.unlink(missing_ok=True)
    import django
    from django.conf import settings

    django.setup()
    from django.core.management import call_command
    from django.db import connections

    settings.DATABASES["default"]["NAME"] = str(database)
    settings.DATABASES["default"]["TEST"] = {}
    connections.close_all()
    call_command("migrate", verbosity=0)
    from safeguard.web.accounts.models import Agency, AgencyKind
    from safeguard.web.core.models import Area
    from safeguard.web.safeguarding.duplicates import find_duplicates
    from safeguard.web.safeguarding.models import Child

    agency, _ = Agency.objects.get_or_create(name="Bench County Council",
                                             defaults={"kind": AgencyKind.CHILDRENS_SOCIAL_CARE})
    area = Area.objects.filter(active=True).first()
    assert area is not None, "no areas: the migration loads them"
    rows, index_of = [], []
    for i, person in enumerate(records):
        if i in chosen:
            continue
        rows.append(Child(owning_agency=agency, first_name=person.first_name,
                          last_name=person.last_name, date_of_birth=person.date_of_birth,
                          gender=person.gender, address=person.address, reference=str(i),
                          nhs_number=person.nhs_number, upn=person.upn, la_id=person.la_id,
                          district=area))
        index_of.append(i)
    started = time.perf_counter()
    for start in range(0, len(rows), 5000):
        Child.objects.bulk_create(rows[start:start + 5000])
    load = time.perf_counter() - started
    times, agree = [], 0
    for i in sorted(chosen):
        started = time.perf_counter()
        found = find_duplicates(records[i])
        times.append((time.perf_counter() - started) * 1000)
        expected = {j for j in matches[i] if j not in chosen}
        agree += {int(offer.child.reference) for offer in found} == expected
    times.sort()
    return {"queries": len(times), "p50": statistics.median(times),
            "p95": times[max(0, int(len(times) * 0.95) - 1)],
            "p99": times[max(0, int(len(times) * 0.99) - 1)],
            "max": times[-1], "load": load, "rows": len(rows), "agree": agree}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--children", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--no-record", action="store_true")
    parser.add_argument("--no-database", action="store_true",
                        help="quality only (no create-time timing)")
    args = parser.parse_args()
    records, child_of, kinds = build_register(args.children, args.seed)
    quality = evaluate(records, child_of)
    print(f"precision {quality['precision']:.4f} recall {quality['recall']:.4f} "
          f"({quality['hits']} of {quality['pairs']} offers right, {quality['true']} pairs) "
          f"in {quality['seconds']:.1f} s", flush=True)
    index: dict[tuple[str, str], list[int]] = {}
    for j, person in enumerate(records):
        for key in record_keys(person):
            index.setdefault(key, []).append(j)
    timing = None
    if not args.no_database:
        # Half the checks are duplicates (a later record of a child already on it), half
        # new children; each against every other record, stored (at most 10 offers, as
        # the page shows).
        rng = random.Random(args.seed)
        first: dict[int, int] = {}
        repeats = []
        for i, c in enumerate(child_of):
            if c in first:
                repeats.append(i)
            else:
                first[c] = i
        repeated = set(repeats)
        singles = [i for i in range(len(records)) if i not in repeated]
        chosen = set(rng.sample(repeats, args.queries // 2))
        chosen |= set(rng.sample(singles, args.queries - len(chosen)))
        index: dict[tuple[str, str], list[int]] = {}
        for j, person in enumerate(records):
            for key in record_keys(person):
                index.setdefault(key, []).append(j)
        matches = {}
        for i in chosen:
            near = {j for key in block_keys(records[i]) for j in index.get(key, ()) if j != i}
            matches[i] = {j for j in near if compare(records[i], records[j]) is not None}
        timing = create_time(records, chosen, matches)
        print(f"create-time p50 {timing['p50']:.1f} ms p95 {timing['p95']:.1f} ms "
              f"p99 {timing['p99']:.1f} ms; offers agree {timing['agree']}/{timing['queries']}")
    if args.no_record:
        return
    lines = [
        "## Duplicate children (`bench/child_duplicates.py`)", "",
        f"`.venv/bin/python bench/child_duplicates.py --children {args.children}` on "
        f"{machine()}, {date.today().isoformat()}; rapidfuzz and nicknames as pinned.", "",
        f"Synthetic register of {len(records):,} records (Faker en_GB, seed {args.seed}): "
        f"{len(records) - len(records) * 5 // 100:,} children (1.5 % with a twin) and "
        f"{args.children * 5 // 100:,} duplicates (changes: {kinds['typo']:,} typing slips, "
        f"{kinds['nickname']:,} nicknames, {kinds['swapped']:,} day/month swaps, "
        f"{kinds['moved']:,} moved addresses, {kinds['identifiers']:,} with identifiers "
        "dropped).", "",
        "| measure | figure | target |", "| --- | ---: | --- |",
        f"| precision of offered matches | {quality['precision']:.4f} "
        f"({quality['hits']:,} of {quality['pairs']:,}) | ≥ 0.99 |",
        f"| recall of offered matches | {quality['recall']:.4f} "
        f"({quality['hits']:,} of {quality['true']:,} pairs) | ≥ 0.95 |",
        f"| all records checked in memory (blocking + comparison) | "
        f"{quality['seconds']:.1f} s | |",
    ]
    if timing is not None:
        lines += [
            f"| create-time check p50 / p95 / p99 / max (ms), {timing['queries']:,} checks "
            f"against {timing['rows']:,} stored children (SQLite) | {timing['p50']:.1f} / "
            f"{timing['p95']:.1f} / {timing['p99']:.1f} / {timing['max']:.1f} | p95 < 200 ms |",
            f"| create-time offers equal to the in-memory check's | "
            f"{timing['agree']:,} of {timing['queries']:,} | all |",
        ]
    record("child_duplicates", "\n".join(lines))


if __name__ == "__main__":
    main()
