"""Benchmark: intelligence at a force's scale, on PostgreSQL.

    scripts/with-postgres.sh .venv/bin/python bench/intelligence.py
    scripts/with-postgres.sh .venv/bin/python bench/intelligence.py --sightings 100000 \\
        --referrals 1000 --no-record

1. Synthetic data (nothing real): a known-bad hash set of 100,000 made-up MD5s graded
   A/B/C; 20,000 sharers with IPv6 addresses in 2001:db8::/32 (documentation space) under
   a table of 4,500 /48 ranges over the nine demo districts, a fifth of them on dynamic
   addresses, a third also sharing by peer ID; 10,000 referrals over 60 days and 1,000,000
   sightings over 30 days up to now, 15 % of files unknown.
2. Import, through the product's own functions (import_referrals, import_sightings: the
   CSV is parsed, matched, located, linked, counted, COPY'd): records/s.
3. VACUUM ANALYZE (what autovacuum does for a real server), then `safeguard serve` (waitress,
   8 threads) in its own process, and a load generator on loopback: 20 users, each a
   thread with its own keep-alive http.client connection and a signed-in session (both
   factors), GET the work queue and the live picture; every response is checked (200 and
   the page's marker). Two runs per page: users who read what they get (a think time of
   0.5-1.5 s between requests) and users who never pause (saturation). Latency is the
   client's, request sent to last byte read; p50/p95/p99 and throughput.

Figures go to docs/benchmarks.md (section `intelligence`).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import http.client
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import WORK, machine, record  # noqa: E402

HOME = WORK / "intelligence"
DISTRICTS = ["E07000192", "E07000193", "E07000194", "E07000195", "E07000196", "E07000197",
             "E07000198", "E07000199", "E06000021"]
KNOWN_FILES = 100_000
UNKNOWN_FILES = 50_000
SHARERS = 20_000
RANGES_PER_DISTRICT = 500
POLICE = "Bench Police"
USER = "bench.supervisor"


def _md5(text: str) -> str:
    return hashlib.md5(text.encode()).hexdigest()


def _iso(moment: datetime) -> str:
    return moment.replace(microsecond=0).isoformat().replace("+00:00", "Z")


def prepare_environment(port: int) -> dict[str, str]:
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("run under scripts/with-postgres.sh (or set DATABASE_URL to PostgreSQL)")
    shutil.rmtree(HOME, ignore_errors=True)
    HOME.mkdir(parents=True)
    ranges = HOME / "ranges.csv"
    with ranges.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["cidr", "district"])
        for d, code in enumerate(DISTRICTS, start=1):
            for k in range(RANGES_PER_DISTRICT):
                writer.writerow([f"2001:db8:{d:x}{k:03x}::/48", code])
    config = HOME / "intelligence.toml"
    config.write_text(f'ip_ranges_csv = "{ranges}"\n')
    env = {
        "SAFEGUARD_MODE": "demo",
        "SAFEGUARD_HOME": str(HOME),
        "SAFEGUARD_INTEL_CONFIG": str(config),
        "SAFEGUARD_INTEL_HASHSETS": "bench-known",
        "SAFEGUARD_ALLOWED_HOSTS": "127.0.0.1",
        "SAFEGUARD_LOG_LEVEL": "error",
    }
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "safeguard.web.settings"
    return {**os.environ, **env}


def build_hashset() -> list[tuple[str, str]]:
    from safeguard.triage.hashsets import HashSetStore

    files = [(_md5(f"bench known {i}"), "A" if i % 5 == 0 else "B" if i % 5 < 3 else "C")
             for i in range(KNOWN_FILES)]
    source = HOME / "known.csv"
    source.write_text("md5,category\n" + "".join(f"{m},{c}\n" for m, c in files))
    HashSetStore(HOME / "hashsets").import_file(source, "bench-known", "known-bad")
    return files


class Population:
    def __init__(self, rng: random.Random, now: datetime) -> None:
        self.rng = rng
        self.now = now
        self.people = []
        for n in range(SHARERS):
            district = rng.randrange(1, 10)
            block = f"2001:db8:{district:x}{rng.randrange(RANGES_PER_DISTRICT):03x}"
            self.people.append({
                "n": n, "block": block, "home": f"{block}:{rng.randrange(65536):x}::1",
                "dynamic": rng.random() < 0.2, "p2p": rng.random() < 0.33,
                "peer": f"-BENCH{n:06d}-", "a": rng.choice([0.0, 0.02, 0.1, 0.3]),
            })
        # A few sharers are far more active than most (a long tail, as monitors see).
        self.weights = [1.0 / (1 + (i % 997)) ** 0.6 for i in range(SHARERS)]
        self.known = [_md5(f"bench known {i}") for i in range(KNOWN_FILES)]
        self.category_a = self.known[::5]
        self.unknown = [_md5(f"bench unknown {i}") for i in range(UNKNOWN_FILES)]

    def address(self, person: dict[str, Any], moment: datetime) -> str:
        if not person["dynamic"]:
            return str(person["home"])
        return f"{person['block']}:{(person['n'] * 7919 + moment.toordinal()) % 65536:x}::1"

    def file(self, person: dict[str, Any]) -> str:
        roll = self.rng.random()
        if roll < 0.15:
            return self.rng.choice(self.unknown)
        if roll < 0.15 + person["a"]:
            return self.rng.choice(self.category_a)
        return self.rng.choice(self.known)


def write_sightings(path: Path, population: Population, count: int) -> None:
    """Sharers are online for stretches of days and seen a few times an hour to a few
    times a day while online (monitors see a running client again and again); the
    busiest are seen far more than most. Rows in time order, as monitors export them."""
    rng = population.rng
    per_person = [0] * SHARERS
    for index in rng.choices(range(SHARERS), population.weights, k=count):
        per_person[index] += 1
    rows: list[tuple[datetime, str]] = []
    month = 30 * 24 * 3600
    for person, seen in zip(population.people, per_person, strict=True):
        if not seen:
            continue
        days = min(30, max(1, round(seen / rng.uniform(2, 12))))
        end = population.now - timedelta(seconds=rng.randrange(0, month - days * 86400 + 1))
        for _ in range(seen):
            moment = end - timedelta(seconds=rng.randrange(1, days * 86400))
            if person["p2p"] and rng.random() < 0.5:
                line = (f"client_id,{person['peer']},BenchP2P,,{population.file(person)},"
                        "f.jpg\n")
            else:
                line = (f"ip,{population.address(person, moment)},,{rng.randrange(1024, 65535)},"
                        f"{population.file(person)},f.jpg\n")
            rows.append((moment, line))
    rows.sort(key=lambda row: row[0])
    with path.open("w", newline="") as handle:
        handle.write("observed_at,identifier_type,identifier,network,port,md5,file_name\n")
        for moment, line in rows:
            handle.write(f"{_iso(moment)},{line}")


def write_referrals(path: Path, population: Population, count: int) -> None:
    rng = population.rng
    documents = []
    for index in range(count):
        person = rng.choice(population.people)
        moment = population.now - timedelta(seconds=rng.randrange(60, 60 * 24 * 3600))
        account: dict[str, Any] = {
            "email": f"sharer{person['n']:05d}@example.org",
            "ip_events": [{"ip": population.address(person, moment), "time": _iso(moment)}]}
        if rng.random() < 0.5:
            account["username"] = f"bench_{person['n']:05d}"
        documents.append({
            "schema": "safeguard.referral/1", "report_id": f"BENCH-{index:06d}",
            "reporting_service": {"name": rng.choice(["ExampleChat", "ExampleShare"])},
            "incident": {"time": _iso(moment)}, "accounts": [account],
            "files": [{"md5": population.file(person), "distributed": rng.random() < 0.4}
                      for _ in range(rng.randint(1, 5))]})
    path.write_text(json.dumps({"referrals": documents}))


def make_user() -> Any:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from safeguard.web.accounts import totp
    from safeguard.web.accounts.models import Agency, AgencyKind, Role, User

    agency = Agency.objects.create(name=POLICE, kind=AgencyKind.POLICE)
    user = User(username=USER, agency=agency, role=Role.SUPERVISOR, first_name="Bench")
    user.set_unusable_password()
    user.save()
    TOTPDevice.objects.create(user=user, name=totp.DEVICE_NAME, confirmed=True)
    return user


def session_cookie(user: Any) -> str:
    """A session signed in with both factors, as the login pages would leave it."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django_otp import DEVICE_ID_SESSION_KEY

    from safeguard.web.accounts import totp
    from safeguard.web.middleware import LAST_ACTIVITY_KEY

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    device = totp.confirmed_device(user)
    assert device is not None
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session[LAST_ACTIVITY_KEY] = time.time()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(env: dict[str, str], port: int, processes: int = 1
                 ) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(
        [sys.executable, "-m", "safeguard.cli", "serve", "--no-migrate", "--port", str(port),
         "--threads", "8", "--processes", str(processes)], env=env, stdout=subprocess.DEVNULL,
        stderr=(HOME / "server.log").open("wb"))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("the server stopped: "
                             + (HOME / "server.log").read_text()[-2000:])
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("the server did not start within 60 s")


def load(port: int, cookies: list[str], path: str, marker: bytes, seconds: float,
         think: tuple[float, float]) -> dict[str, float]:
    """`len(cookies)` users GET `path` for `seconds`; latencies of the good responses."""
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def user(cookie: str, seed: int) -> None:
        rng = random.Random(seed)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine = []
        while time.monotonic() < stop:
            started = time.perf_counter()
            try:
                connection.request("GET", path, headers={"Cookie": cookie,
                                                         "Host": "127.0.0.1"})
                response = connection.getresponse()
                body = response.read()
            except (OSError, http.client.HTTPException) as exc:
                with lock:
                    errors.append(repr(exc))
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                continue
            elapsed = time.perf_counter() - started
            if response.status != 200 or marker not in body:
                with lock:
                    errors.append(f"{response.status} {body[:200]!r}")
            else:
                mine.append(elapsed)
            if think[1]:
                time.sleep(rng.uniform(*think))
        connection.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=user, args=(cookie, i)) for i, cookie in
               enumerate(cookies)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.monotonic() - began
    if errors:
        raise SystemExit(f"{len(errors)} bad responses from {path}, e.g. {errors[0]}")
    latencies.sort()

    def pct(p: float) -> float:
        return 1000 * latencies[min(len(latencies) - 1, int(p * len(latencies)))]

    return {"requests": len(latencies), "rps": len(latencies) / wall, "p50": pct(0.50),
            "p95": pct(0.95), "p99": pct(0.99), "max": 1000 * latencies[-1]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sightings", type=int, default=1_000_000)
    parser.add_argument("--referrals", type=int, default=10_000)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30.0, help="each load run")
    parser.add_argument("--processes", type=lambda text: [int(n) for n in text.split(",")],
                        default=[1, 2], help="server process counts to compare (1,2)")
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()

    port = free_port()
    env = prepare_environment(port)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from safeguard.web.intelligence.intake.auditing import Actor
    from safeguard.web.intelligence.intake.referral_import import import_referrals
    from safeguard.web.intelligence.intake.sighting_import import import_sightings
    from safeguard.web.intelligence.models import (
        Channel,
        HourlyPresence,
        Link,
        Subject,
        SubjectStatus,
    )

    call_command("migrate", interactive=False, verbosity=0)
    build_hashset()
    user = make_user()
    actor = Actor(user.agency, name="bench")
    rng = random.Random(20260307)
    population = Population(rng, datetime.now(UTC))

    print(f"writing {args.sightings:,} sightings and {args.referrals:,} referrals...")
    sightings_path, referrals_path = HOME / "sightings.csv", HOME / "referrals.json"
    write_sightings(sightings_path, population, args.sightings)
    write_referrals(referrals_path, population, args.referrals)

    started = time.perf_counter()
    result = import_referrals(actor, json.loads(referrals_path.read_text()),
                              channel=Channel.FILE)
    referral_seconds = time.perf_counter() - started
    assert result.created == args.referrals, (result.created, result.errors[:3])
    print(f"referrals: {args.referrals / referral_seconds:,.0f}/s")

    sightings = import_sightings(actor, sightings_path, source="bench monitor")
    assert sightings.imported == args.sightings, sightings.warnings[:3]
    print(f"sightings: {sightings.rate:,.0f}/s ({sightings.seconds:.1f} s)")

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    subjects = Subject.objects.exclude(status=SubjectStatus.MERGED).count()
    links = Link.objects.count()
    presence = HourlyPresence.objects.count()
    cookies = [session_cookie(user) for _ in range(args.users)]
    connection.close()

    runs = []
    for processes in args.processes:
        port = free_port()
        server = start_server(env, port, processes)
        try:
            for title, path, marker in (("work queue", "/intelligence/", b'class="queue"'),
                                        ("live picture", "/intelligence/live/", b"last-hour")):
                load(port, cookies[:2], path, marker, 3, (0, 0))  # warm the server up
                for mode, think in (("think 0.5-1.5 s", (0.5, 1.5)),
                                    ("no pause", (0.0, 0.0))):
                    figures = load(port, cookies, path, marker, args.seconds, think)
                    runs.append((processes, title, mode, figures))
                    print(f"{processes} process(es), {title}, {mode}: p95 "
                          f"{figures['p95']:.0f} ms, {figures['rps']:.0f} requests/s")
        except SystemExit:
            server.terminate()
            server.wait(timeout=30)
            print((HOME / "server.log").read_text()[-4000:], file=sys.stderr)
            raise
        finally:
            if server.poll() is None:
                server.terminate()
                server.wait(timeout=30)

    processes_text = ",".join(map(str, args.processes))
    lines = [
        f"`scripts/with-postgres.sh .venv/bin/python bench/intelligence.py"
        f"{'' if args.sightings == 1_000_000 else f' --sightings {args.sightings}'}"
        f"{'' if args.referrals == 10_000 else f' --referrals {args.referrals}'}"
        f"{'' if args.processes == [1, 2] else ' --processes ' + processes_text}`"
        f" on {machine()}, PostgreSQL {connection.pg_version // 10000}"
        " (the throwaway server of scripts/with-postgres.sh: fsync off), "
        f"{datetime.now(UTC):%Y-%m-%d}.",
        "",
        f"Data: {args.sightings:,} sightings and {args.referrals:,} referrals (synthetic), "
        f"a known-bad set of {KNOWN_FILES:,} digests, {SHARERS:,} synthetic sharers under a "
        f"table of {9 * RANGES_PER_DISTRICT:,} IPv6 /48 ranges; after import "
        f"{subjects:,} subjects, {links:,} links, {presence:,} hourly presence rows.",
        "",
        "| import | records | seconds | records/s | target |",
        "| --- | ---: | ---: | ---: | --- |",
        f"| sightings (CSV parsed, matched, located, linked, COPY) | {args.sightings:,} | "
        f"{sightings.seconds:.1f} | {sightings.rate:,.0f} | ≥ 20,000/s |",
        f"| referrals (validated, kept, matched, linked, audited one by one) | "
        f"{args.referrals:,} | {referral_seconds:.1f} | {args.referrals / referral_seconds:,.0f}"
        " | |",
        "",
        f"Pages under {args.users} concurrent users (threads with keep-alive http.client "
        "connections and signed-in sessions) against `safeguard serve` (waitress, 8 threads "
        "a process, `--processes` as shown) on loopback, the load generator on the same "
        f"cores; {args.seconds:.0f} s a run; latency in milliseconds, request to last byte; "
        "target p95 < 200 ms.",
        "",
        "| server processes | page | users | requests | requests/s | p50 | p95 | p99 | max |",
        "| ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for processes, title, mode, f in runs:
        lines.append(f"| {processes} | {title} | {args.users}, {mode} | {f['requests']:,.0f} | "
                     f"{f['rps']:.0f} | {f['p50']:.0f} | {f['p95']:.0f} | {f['p99']:.0f} | "
                     f"{f['max']:.0f} |")
    saturated = {(n, title): f["rps"] for n, title, mode, f in runs if mode == "no pause"}
    if len(args.processes) > 1:
        first, last = args.processes[0], args.processes[-1]
        lines += ["", "Pages a second with users who never pause, "
                  f"{last} processes / {first}: " + "; ".join(
                      f"{title} {saturated[(last, title)] / saturated[(first, title)]:.2f}×"
                      for title in ("work queue", "live picture")) + "."]
    lines += ["", "Every page request also writes its audit event (hash chain, one lock) and "
              "its session's last activity, as in production."]
    body = "\n".join(lines)
    if args.no_record:
        print(body)
    else:
        record("intelligence", "## Intelligence\n\n" + body)


if __name__ == "__main__":
    main()
