"""Benchmark: the review queue and the exhibit page under 20 concurrent users, on PostgreSQL
with a million file records and 50,000 review items.

    .venv/bin/python bench/web.py                          # starts a throwaway PostgreSQL
    scripts/with-postgres.sh .venv/bin/python bench/web.py --files 100000 --review 5000 --no-record
    DATABASE_URL=postgres://... .venv/bin/python bench/web.py   # an empty database of your own

What it does:
1. loads one exhibit's finished triage into the database: `--files` FileRecords through
   COPY, `--review` of them new images and videos (in near-duplicate groups of one to four),
   the rest matched, known-good or other files; builds the review items as the queue does
   (timed) and grades a tenth of them to a final category by three graders;
2. creates `--users` image reviewers, each with a signed-in session (password and TOTP
   verified, the exhibit's reason given) made directly in the session store;
3. starts `safeguard serve` (waitress, 8 threads) on 127.0.0.1;
4. for each page, runs `--users` threads, each one reviewer with its own keep-alive
   connection (http.client) sending requests back to back, with no pause, for `--seconds`
   (at most `--max-requests` in all): the queue pages 1 to 5 of the "to grade" list (each
   next page found from the page's own link, keyset pages), then the exhibit page with its
   figures and review block. Every answer must be 200 with the expected content;
5. records the latency percentiles in docs/benchmarks.md (section `web`).

Nothing here is real: synthetic paths and digests, no evidence files (the pages list
metadata; no picture is requested).
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import machine, record  # noqa: E402

REASON = "Benchmark: reviewing the exhibit's new material"
TARGET_MS = 200.0


# ------------------------------------------------------------------------- setting up


def django_environment(home: Path) -> None:
    os.environ.update({
        "SAFEGUARD_MODE": "demo",
        "SAFEGUARD_HOME": str(home),
        "SAFEGUARD_HTTPS": "false",
        "SAFEGUARD_EVIDENCE_ROOTS": str(home / "evidence"),
        "SAFEGUARD_LOG_LEVEL": "error",
        "DJANGO_SETTINGS_MODULE": "safeguard.web.settings",
    })
    import django

    django.setup()


def file_rows(job_id: int, files: int, review: int, seed: int = 7) -> Any:
    """Rows for COPY, in address order: `review` unmatched media among `files` rows."""
    rng = random.Random(seed)
    every = max(files // max(review, 1), 1)
    moment = datetime(2024, 3, 1, 12, tzinfo=UTC)
    group = 0
    left_in_group = 0
    made = 0
    for n in range(files):
        folder = f"/Users/demo/Pictures/{n // 1000:04d}"
        is_review = made < review and n % every == 0
        if is_review:
            made += 1
            if left_in_group == 0:
                group += 1
                left_in_group = rng.choice((1, 1, 1, 2, 2, 3, 4))
            left_in_group -= 1
            video = rng.random() < 0.1
            kind, mime = ("video", "video/mp4") if video else ("image", "image/jpeg")
            name = rng.choice(("IMG_", "DSC_", "photo_", "f_")) + f"{n:07d}"
            name += ".mp4" if video else ".jpg"
            if rng.random() < 0.2:
                folder = "/Users/demo/AppData/Local/Google/Chrome/User Data/Default/Cache"
            match, category, known_good, grp = "none", "", False, f"G{group:06d}"
        else:
            roll = rng.random()
            if roll < 0.05:
                kind, mime, name = "image", "image/jpeg", f"known_{n:07d}.jpg"
                match, category, known_good, grp = "exact", "ABC"[n % 3], False, ""
            else:
                kind, mime, name = "other", "", f"file_{n:07d}.dll"
                match, category, known_good, grp = "none", "", roll < 0.6, ""
        yield (
            job_id, "/evidence/bench.E01", "p2 (sector 2048)", "NTFS", f"{folder}/{name}", "",
            str(1000 + n), 20_000 + rng.randrange(4_000_000), moment, moment, moment, None,
            n % 50 == 0, False, kind, mime, f"{n:032x}", f"{n:040x}", f"{n:064x}",
            known_good, "nsrl" if known_good else "", "caid" if match == "exact" else "",
            category, "", False, False, match, 0 if match == "exact" else None, "",
            f"{n:064x}" if kind == "image" else "", 90 if kind == "image" else None, grp,
        )


COLUMNS = ("job", "evidence", "partition", "filesystem", "path", "archive", "inode", "size",
           "modified", "accessed", "changed", "created", "deleted", "carved", "file_type",
           "mime", "md5", "sha1", "sha256", "known_good", "known_good_set", "hashset",
           "category", "series", "distributed", "victim_identified", "match", "distance",
           "error", "pdq", "pdq_quality", "group")


@dataclass
class Loaded:
    exhibit_id: int
    users: list[Any]
    seconds: dict[str, float] = field(default_factory=dict)


def load(files: int, review: int, users: int) -> Loaded:
    from django.db import connection, transaction
    from django.utils import timezone
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from safeguard.web.accounts import totp
    from safeguard.web.accounts.models import Agency, AgencyKind, Role, User
    from safeguard.web.investigations.models import Exhibit, ExhibitType, Investigation
    from safeguard.web.review.grading import grade_items
    from safeguard.web.review.image_queue import ensure_items
    from safeguard.web.review.models import ReviewItem
    from safeguard.web.triage_runs.models import FileRecord, JobStatus, TriageJob, TriageSummary

    timings: dict[str, float] = {}
    agency = Agency.objects.create(name="Bench Police", kind=AgencyKind.POLICE)
    people = []
    for number in range(users):
        user = User.objects.create(username=f"reviewer{number:02d}", agency=agency,
                                   role=Role.IMAGE_REVIEWER)
        TOTPDevice.objects.create(user=user, name=totp.DEVICE_NAME, confirmed=True)
        people.append(user)
    investigation = Investigation.objects.create(
        owning_agency=agency, reference="BENCH-1", title="Bench",
        opened_on=timezone.now().date())
    exhibit = Exhibit.objects.create(
        owning_agency=agency, investigation=investigation, reference="EX-0001",
        exhibit_type=ExhibitType.HARD_DRIVE, evidence_path="/evidence/bench.E01")
    now = timezone.now()
    job = TriageJob.objects.create(exhibit=exhibit, status=JobStatus.DONE, started_at=now,
                                   finished_at=now, exit_status=0, files_done=files)
    fields = {f.name: f.column for f in FileRecord._meta.concrete_fields}
    columns = ", ".join(f'"{fields[name]}"' for name in COLUMNS)
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        sql = f"COPY {FileRecord._meta.db_table} ({columns}) FROM STDIN"
        with cursor.cursor.copy(sql) as copy:
            for values in file_rows(job.pk, files, review):
                copy.write_row(values)
    timings["copy"] = time.perf_counter() - started
    counts = FileRecord.objects.filter(job=job)
    awaiting_images = counts.filter(file_type="image", match="none", known_good=False).count()
    awaiting_videos = counts.filter(file_type="video", match="none", known_good=False).count()
    matched = {name: counts.filter(category=name).count() for name in "ABC"}
    TriageSummary.objects.create(
        job=job, files=files, images=counts.filter(file_type="image").count(),
        videos=awaiting_videos, unmatched_images=awaiting_images,
        unmatched_videos=awaiting_videos, exact_matches=sum(matched.values()),
        categories={name: {"images": n, "videos": 0, "unique_images": n, "unique_videos": 0,
                           "deleted": 0, "distributed": 0, "exact": n, "perceptual": 0}
                    for name, n in matched.items()})
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    started = time.perf_counter()
    ensure_items(job)
    timings["build"] = time.perf_counter() - started
    # A tenth of the groups graded final by three graders; the rest untouched.
    leads = list(ReviewItem.objects.filter(job=job, is_lead=True).order_by("-priority", "id"))
    graded = leads[: max(len(leads) // 10, 1)]
    started = time.perf_counter()
    for grader in people[:3]:
        with transaction.atomic():
            grade_items(graded, grader, "C", via_group=False, needed=3)
    timings["grade"] = time.perf_counter() - started
    # What autovacuum does in a running system: the grading just rewrote a tenth of the
    # items, and their old index entries would otherwise be read past on every page.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return Loaded(exhibit.pk, people, timings)


def sessions(users: list[Any], exhibit_id: int) -> list[str]:
    """A signed-in session per user, as the sign-in pages leave it (both factors)."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.utils import timezone
    from django_otp import DEVICE_ID_SESSION_KEY

    from safeguard.web.accounts import totp
    from safeguard.web.audit.events import JUSTIFIED_SESSION_KEY
    from safeguard.web.middleware import LAST_ACTIVITY_KEY

    store = import_module(settings.SESSION_ENGINE).SessionStore
    keys = []
    for user in users:
        session = store()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session[DEVICE_ID_SESSION_KEY] = totp.confirmed_device(user).persistent_id
        session[LAST_ACTIVITY_KEY] = time.time()
        session[JUSTIFIED_SESSION_KEY] = {
            f"investigations.exhibit:{exhibit_id}": {"at": timezone.now().isoformat(),
                                                     "text": REASON}}
        session.save()
        keys.append(session.session_key)
    return keys


# ------------------------------------------------------------------------- the server


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(port: int, threads: int, log: Path) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "safeguard.cli", "serve", "--no-migrate",
               "--host", "127.0.0.1", "--port", str(port), "--threads", str(threads)]
    server = subprocess.Popen(command, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server stopped: {log.read_text()[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("the server did not start in 60 s")


# ------------------------------------------------------------------------- the load


@dataclass
class Phase:
    name: str
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    wall: float = 0.0

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        if not ordered:
            return float("nan")
        index = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))
        return ordered[index] * 1000


NEXT = re.compile(r'href="\?([^"]*)" rel="next" id="next-page"')


def run_phase(name: str, port: int, cookie: str, keys: list[str], first: str, marker: bytes,
              seconds: float, max_requests: int, pages: int = 1, think: float = 0.0) -> Phase:
    """Each key is one user (a thread, its own connection) requesting `first` and then the
    pages it links to (up to `pages` deep), pausing `think` seconds (0.5-1.5x, at random)
    after each answer (and starting within the first pause); until `seconds` have passed
    or `max_requests` were sent."""
    phase = Phase(name)
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds
    budget = [max_requests]

    def user(key: str) -> None:
        pause = random.Random(key)
        # Reviewers do not all click at the same instant: each starts somewhere within
        # the first pause.
        time.sleep(think * pause.uniform(0, 1))
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {"Cookie": f"{cookie}={key}", "Host": "127.0.0.1"}
        url, depth = first, 1
        while time.monotonic() < stop_at:
            with lock:
                if budget[0] <= 0:
                    break
                budget[0] -= 1
            started = time.perf_counter()
            try:
                connection.request("GET", url, headers=headers)
                response = connection.getresponse()
                body = response.read()
            except (OSError, http.client.HTTPException) as exc:
                with lock:
                    phase.errors.append(f"{url}: {exc}")
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                continue
            elapsed = time.perf_counter() - started
            with lock:
                if response.status != 200 or marker not in body:
                    phase.errors.append(f"{url}: {response.status} {body[:200]!r}")
                else:
                    phase.latencies.append(elapsed)
            found = NEXT.search(body.decode("utf-8", "replace")) if pages > 1 else None
            if found and depth < pages:
                url, depth = f"{first.split('?')[0]}?{found.group(1).replace('&amp;', '&')}", \
                    depth + 1
            else:
                url, depth = first, 1
            if think:
                time.sleep(think * pause.uniform(0.5, 1.5))
        connection.close()

    threads = [threading.Thread(target=user, args=(key,)) for key in keys]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    phase.wall = time.perf_counter() - started
    return phase


def describe(phase: Phase) -> str:
    count = len(phase.latencies)
    mean = statistics.fmean(phase.latencies) * 1000 if count else float("nan")
    return (f"| {phase.name} | {count:,} | {count / phase.wall:,.0f} | {mean:,.0f} | "
            f"{phase.percentile(50):,.0f} | {phase.percentile(95):,.0f} | "
            f"{phase.percentile(99):,.0f} | {max(phase.latencies, default=0) * 1000:,.0f} | "
            f"{'yes' if phase.percentile(95) < TARGET_MS else 'no'} |")


# ------------------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=1_000_000)
    parser.add_argument("--review", type=int, default=50_000)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--threads", type=int, default=8, help="waitress threads (serve's default)")
    parser.add_argument("--seconds", type=float, default=30.0, help="per page, after warm-up")
    parser.add_argument("--max-requests", type=int, default=20_000, help="per page, at most")
    parser.add_argument("--think", type=float, default=1.0,
                        help="a reviewer's pause between pages, seconds (then: none)")
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL"):
        script = ROOT / "scripts" / "with-postgres.sh"
        os.execv("/bin/bash", ["bash", str(script), sys.executable, *sys.argv])
    home = Path(tempfile.mkdtemp(prefix="safeguard-bench-web-"))
    server = None
    try:
        django_environment(home)
        from django.conf import settings
        from django.core.management import call_command

        call_command("migrate", interactive=False, verbosity=0)
        print(f"loading {args.files:,} file records, {args.review:,} to review ...", flush=True)
        loaded = load(args.files, args.review, args.users)
        print("  " + ", ".join(f"{k} {v:.1f} s" for k, v in loaded.seconds.items()), flush=True)
        keys = sessions(loaded.users, loaded.exhibit_id)
        port = free_port()
        from django.db import connections

        connections.close_all()
        server = start_server(port, args.threads, home / "server.log")
        cookie = settings.SESSION_COOKIE_NAME
        queue = f"/review/exhibits/{loaded.exhibit_id}/"
        exhibit = f"/investigations/exhibits/{loaded.exhibit_id}/"
        load_before = os.getloadavg()[0]
        # Warm-up: imports, templates, connections, PostgreSQL's caches.
        run_phase("warm-up", port, cookie, keys, queue, b"review-card", 3, 2_000, pages=5)
        run_phase("warm-up", port, cookie, keys, exhibit, b"review-counts", 3, 2_000)
        phases = []
        for think, mode in ((args.think, f"{args.think:g} s between requests"),
                            (0.0, "back to back")):
            phases.append(run_phase(f"review queue, pages 1-5 | {mode}", port, cookie, keys,
                                    queue, b"review-card", args.seconds, args.max_requests,
                                    pages=5, think=think))
            phases.append(run_phase(f"exhibit page | {mode}", port, cookie, keys, exhibit,
                                    b"review-counts", args.seconds, args.max_requests,
                                    think=think))
        for phase in phases:
            if phase.errors:
                raise SystemExit(f"{phase.name}: {len(phase.errors)} errors, e.g. "
                                 f"{phase.errors[0]}")
        body = report(args, loaded, phases, load_before)
        if args.no_record:
            print(body)
        else:
            record("web", body)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        shutil.rmtree(home, ignore_errors=True)


def report(args: argparse.Namespace, loaded: Loaded, phases: list[Phase],
           load_before: float) -> str:
    import django
    from django.db import connection

    version = connection.cursor().connection.info.server_version
    lines = [
        "## Web: review queue and exhibit page under load (bench/web.py)",
        "",
        f"{datetime.now(UTC):%Y-%m-%d}, {machine()}; PostgreSQL {version // 10000}"
        f".{version % 100} (scripts/with-postgres.sh: fsync and synchronous commit off), "
        f"Django {django.get_version()}, waitress with {args.threads} threads, load generator "
        "and server on the same machine (loopback); load average (1 min) "
        f"{load_before:.1f} before the measurements, {os.getloadavg()[0]:.1f} after (other "
        "work on the machine shows here).",
        "",
        f"One exhibit with {args.files:,} file records and {args.review:,} review items "
        f"(a tenth of the groups graded final by three graders); {args.users} reviewers, "
        "each a thread with its own keep-alive connection and signed-in session, for "
        f"{args.seconds:.0f} s per page and mode: first as reviewers work, pausing about "
        f"{args.think:g} s after each page (0.5-1.5x at random), then back to back with no "
        "pause at all (the server saturated: its throughput). The queue requests walk the "
        "\"to grade\" list's pages 1 to 5 (keyset pages, each found from the page's own "
        "link). Every request also writes its audit row and its session. Loading: COPY "
        f"{loaded.seconds['copy']:.1f} s, building the review items "
        f"{loaded.seconds['build']:.1f} s, grading {loaded.seconds['grade']:.1f} s.",
        "",
        f"Command: `scripts/with-postgres.sh .venv/bin/python bench/web.py --files "
        f"{args.files} --review {args.review} --users {args.users} --seconds "
        f"{args.seconds:.0f} --think {args.think:g}`",
        "",
        f"| page | {args.users} reviewers | requests | per second | mean ms | p50 ms | p95 ms "
        "| p99 ms | max ms | p95 < 200 ms |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
        *(describe(phase) for phase in phases),
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
