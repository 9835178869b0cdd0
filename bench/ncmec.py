"""Benchmark: importing NCMEC CyberTipline reports (synthetic) through the product's import.

    .venv/bin/python bench/ncmec.py                         # SQLite, 10,000 reports
    scripts/with-postgres.sh .venv/bin/python bench/ncmec.py --reports 10000
    .venv/bin/python bench/ncmec.py --reports 500 --no-record

1. Synthetic reports (nothing real, no media): each a `<report>` with an incident summary,
   a reported person (screen name, ESP ID, email, phone, two IP capture events in
   2001:db8::/32), in one report of five a victim (a third of them at the reported
   person's address) and an intended recipient, and two file details with made-up MD5s
   (a fifth of them in a known-bad set of 10,000). 5,000 people, so reports link.
2. Parse: `read_packages` over the folder (XML read, checked against the schema's element
   names, mapped): reports a second. Import: `import_ncmec` (parse, then each report
   validated, kept, matched, linked, assessed, its children kept, audited, one
   transaction each): reports a second, and the peak memory of the process (ru_maxrss).

Figures go to docs/benchmarks.md (section `ncmec`).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import resource
import shutil
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import WORK, machine, record  # noqa: E402

HOME = WORK / "ncmec"
PEOPLE = 5_000
KNOWN = 10_000


def _md5(text: str) -> str:
    return hashlib.md5(text.encode()).hexdigest()


def prepare() -> None:
    shutil.rmtree(HOME, ignore_errors=True)
    (HOME / "reports").mkdir(parents=True)
    if not os.environ.get("DATABASE_URL"):
        os.environ["DATABASE_URL"] = f"sqlite:///{HOME / 'bench.sqlite3'}"
    os.environ.update({"SAFEGUARD_MODE": "demo", "SAFEGUARD_HOME": str(HOME),
                       "SAFEGUARD_INTEL_HASHSETS": "bench-known",
                       "SAFEGUARD_LOG_LEVEL": "error",
                       "DJANGO_SETTINGS_MODULE": "safeguard.web.settings"})


def write_reports(count: int, rng: random.Random) -> None:
    now = datetime.now(UTC)
    for n in range(count):
        person = rng.randrange(PEOPLE)
        at = now - timedelta(minutes=rng.randrange(60 * 24 * 300))
        stamp = at.strftime("%Y-%m-%dT%H:%M:%SZ")
        home = f"<address type=\"Home\"><address>{person} Bench Street</address>" \
               f"<city>Hanley</city><zipCode>ST1 {person % 9}AA</zipCode>" \
               "<country>GB</country></address>"
        people = ""
        if n % 5 == 0:
            where = home if n % 3 == 0 else ("<address><address>1 Elsewhere Road</address>"
                                             "<zipCode>ST15 8AA</zipCode></address>")
            people = (f"<intendedRecipient><intendedRecipientPerson><age>14</age>"
                      f"</intendedRecipientPerson><screenName>rcpt_{n}</screenName>"
                      f"</intendedRecipient><victim><victimPerson><firstName>Child</firstName>"
                      f"<lastName>Bench{n}</lastName>{where}<age>10</age></victimPerson>"
                      "</victim>")
        ips = "".join(
            f"<ipCaptureEvent><ipAddress>2001:db8:{person % 9 + 1:x}{person % 4096:03x}::{k + 1}"
            f"</ipAddress><eventName>Login</eventName><dateTime>{stamp}</dateTime>"
            "</ipCaptureEvent>" for k in range(2))
        report = (
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><report><incidentSummary>"
            "<incidentType>Child Pornography (possession, manufacture, and distribution)"
            "</incidentType><platform>BenchChat</platform>"
            + ("<escalateToHighPriority>Synthetic escalation</escalateToHighPriority>"
               if n % 50 == 0 else "")
            + f"<incidentDateTime>{stamp}</incidentDateTime></incidentSummary>"
            f"<personOrUserReported><personOrUserReportedPerson>"
            f"<email>bench.{person}@example.org</email>{home}<age>40</age>"
            f"</personOrUserReportedPerson><espIdentifier>{900000 + person}</espIdentifier>"
            f"<screenName>bench_user_{person}</screenName>{ips}</personOrUserReported>"
            f"{people}</report>")
        folder = HOME / "reports" / f"cybertip-{700000000 + n}"
        folder.mkdir()
        (folder / "report.xml").write_text(report)
        for f in range(2):
            digest = (_md5(f"bench known {rng.randrange(KNOWN)}") if rng.random() < 0.2
                      else _md5(f"bench unknown {n} {f}"))
            (folder / f"file-{f}.xml").write_text(
                f"<fileDetails><reportId>{700000000 + n}</reportId>"
                f"<fileName>upload-{f}.jpg</fileName><uploadedToEspTimestamp>{stamp}"
                "</uploadedToEspTimestamp><fileAnnotations><viral>false</viral>"
                "</fileAnnotations>"
                f"<originalFileHash hashType=\"MD5\">{digest}</originalFileHash>"
                "</fileDetails>")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reports", type=int, default=10_000)
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()
    prepare()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from safeguard.triage.hashsets import HashSetStore
    from safeguard.web.accounts.models import Agency, AgencyKind
    from safeguard.web.intelligence.intake.auditing import Actor
    from safeguard.web.intelligence.intake.ncmec_import import import_ncmec
    from safeguard.web.intelligence.intake.ncmec_package import read_packages
    from safeguard.web.intelligence.models import Channel, ChildAtRisk, Subject
    from safeguard.web.safeguarding.reference import load_reference_data

    call_command("migrate", interactive=False, verbosity=0)
    load_reference_data()
    source = HOME / "known.csv"
    source.write_text("md5,category\n" + "".join(
        f"{_md5(f'bench known {i}')},{'A' if i % 5 == 0 else 'B'}\n" for i in range(KNOWN)))
    HashSetStore(HOME / "hashsets").import_file(source, "bench-known", "known-bad")
    agency = Agency.objects.create(name="Bench Police", kind=AgencyKind.POLICE)
    print(f"writing {args.reports:,} reports...")
    write_reports(args.reports, random.Random(20261207))

    started = time.perf_counter()
    reports, _, refused = read_packages(HOME / "reports")
    parse_seconds = time.perf_counter() - started
    assert len(reports) == args.reports and not refused, refused[:3]
    del reports
    print(f"parse: {args.reports / parse_seconds:,.0f}/s")
    started = time.perf_counter()
    result = import_ncmec(Actor(agency, name="bench"), HOME / "reports", channel=Channel.FILE)
    seconds = time.perf_counter() - started
    assert result.created == args.reports, (result.created, result.errors[:3])
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    subjects = Subject.objects.count()
    children = ChildAtRisk.objects.count()
    print(f"import: {args.reports / seconds:,.0f}/s, peak {peak_mb:,.0f} MB")
    if args.no_record:
        return
    record("ncmec", f"""## NCMEC CyberTipline import

`bench/ncmec.py --reports {args.reports}` on {machine()}, {connection.vendor}, \
{datetime.now(UTC):%Y-%m-%d}.

Synthetic reports (no media; made-up digests, a fifth of the files in a known-bad set of \
10,000): each a package of a report XML and two file details, one in five naming a victim \
and an intended recipient. After import: {subjects:,} subjects, {children:,} children kept.

| step | reports | seconds | reports/s | peak memory |
| --- | ---: | ---: | ---: | ---: |
| parse only (`read_packages`) | {args.reports:,} | {parse_seconds:.1f} | \
{args.reports / parse_seconds:,.0f} | |
| import (`import_ncmec`: parse, validate, keep, match, link, assess, children, audit) \
| {args.reports:,} | {seconds:.1f} | {args.reports / seconds:,.0f} | {peak_mb:,.0f} MB |

The whole folder is parsed before the first report goes in (a refused report is named \
before anything is taken), so memory grows with the backlog's XML: a year's backlog of a \
force (a few thousand reports) is well inside it.
""")


if __name__ == "__main__":
    main()
