"""Triage on a Dask cluster: throughput with 1, 2, 4 (and more) local workers beside a
plain local run, and the model that predicts a large cluster.

Each cluster is real: a `dask scheduler` and `dask worker` processes (one thread each,
no nanny) on 127.0.0.1 (safeguard.triage.cluster.local). The coordinator is this
process, calling `triage(...)` as `safeguard triage --cluster` does. Every process's CPU
time is read before and after each run (psutil), so the model's terms are measured in
CPU seconds, which a machine shared with other work does not inflate the way it inflates
wall time:

- a worker's cost: CPU seconds per byte and per file examined (its bytes/s on one core);
- the coordinator's: CPU seconds per file (walk, journal, reports) and per batch (sending
  it, taking its rows back), from two runs that differ only in batch size;
- the scheduler's: CPU seconds per batch.

Prediction for W workers: a run's time is the largest of the workers' share
(bytes × cost ÷ W), the coordinator's and the scheduler's, plus the fixed start
(connect, evidence check) and the report (a constant per file, after the last batch).

Usage: python bench/cluster.py [--files 4000] [--workers 1,2,4] [--predict 64]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import WORK, machine, record
from hashing import make_small
from safeguard.triage import TriageOptions, triage
from safeguard.triage.batches import Batch
from safeguard.triage.cluster import DaskCluster
from safeguard.triage.cluster.local import local_cluster

DIGESTS = ("md5", "sha1")


@dataclass
class Run:
    label: str
    workers: int
    seconds: float
    coordinator_cpu: float
    scheduler_cpu: float = 0.0
    workers_cpu: float = 0.0
    batches: int = 0
    # After the last item: matching and the reports, on the coordinator alone.
    report: float = 0.0


def _report_seconds(out: Path, seconds: float) -> float:
    """A run's time after its last item: the whole call less the examination that
    runs.jsonl records."""
    lines = (out / "runs.jsonl").read_text().splitlines()
    return max(0.0, seconds - float(json.loads(lines[-1])["seconds"]))


def _cpu(pids: list[int]) -> float:
    total = 0.0
    for pid in pids:
        try:
            times = psutil.Process(pid).cpu_times()
        except psutil.Error:
            continue
        total += times.user + times.system
    return total


def _self_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _children_cpu() -> float:
    """Children that have ended: a local run's worker processes."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _options(out: Path, cluster: str | None = None) -> TriageOptions:
    shutil.rmtree(out, ignore_errors=True)
    return TriageOptions(out_dir=out, digests=DIGESTS, perceptual=None, cluster=cluster)


def run_local(folder: Path) -> Run:
    started, cpu, children = time.perf_counter(), _self_cpu(), _children_cpu()
    triage([str(folder)], _options(WORK / "cluster-out"))
    seconds = time.perf_counter() - started
    return Run("local, worker processes", os.cpu_count() or 1, seconds,
               _self_cpu() - cpu, workers_cpu=_children_cpu() - children,
               report=_report_seconds(WORK / "cluster-out", seconds))


def run_cluster(folder: Path, workers: int, batch_files: int | None = None) -> Run:
    """A run on a fresh cluster of `workers` workers; `batch_files`: the most files a
    batch holds, when not the default."""
    saved, sent = (DaskCluster.MIN_FILES, DaskCluster.BATCH_FILES), DaskCluster._sent
    batches = 0

    def counted(self: DaskCluster, batch: Batch) -> None:
        nonlocal batches
        batches += 1
        sent(self, batch)

    DaskCluster._sent = counted  # type: ignore[method-assign]
    if batch_files is not None:
        DaskCluster.MIN_FILES = DaskCluster.BATCH_FILES = batch_files
    try:
        with local_cluster(workers=workers) as cluster:
            worker_pids = [w.pid for w in cluster.workers]
            before = (_self_cpu(), _cpu([cluster.scheduler.pid]), _cpu(worker_pids))
            started = time.perf_counter()
            triage([str(folder)], _options(WORK / "cluster-out", cluster.address))
            seconds = time.perf_counter() - started
            after = (_self_cpu(), _cpu([cluster.scheduler.pid]), _cpu(worker_pids))
    finally:
        DaskCluster.MIN_FILES, DaskCluster.BATCH_FILES = saved
        DaskCluster._sent = sent  # type: ignore[method-assign]
    label = f"cluster, {workers} worker{'s' * (workers > 1)}"
    if batch_files is not None:
        label += f", {batch_files} files a batch"
    return Run(label, workers, seconds, after[0] - before[0], after[1] - before[1],
               after[2] - before[2], batches, _report_seconds(WORK / "cluster-out", seconds))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=4000)
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--predict", type=int, default=64)
    parser.add_argument("--small-batch", type=int, default=16,
                        help="files a batch in the run that measures the per-batch cost")
    args = parser.parse_args()
    folder = WORK / f"cluster-{args.files}"
    paths = make_small(folder, args.files)
    total = sum(p.stat().st_size for p in paths)
    load_before = os.getloadavg()[0]
    triage([str(folder)], _options(WORK / "cluster-out"))  # warm the page cache
    runs = [run_local(folder)]
    for n in (int(w) for w in args.workers.split(",")):
        runs.append(run_cluster(folder, n))
        print(runs[-1], flush=True)
    small = run_cluster(folder, 2, args.small_batch)
    runs.append(small)
    load_after = os.getloadavg()[0]
    record("cluster", _markdown(args, total, runs, small, load_before, load_after))


def _markdown(args: argparse.Namespace, total: int, runs: list[Run], small: Run,
              load_before: float, load_after: float) -> str:
    local = runs[0]
    big = [r for r in runs[1:] if r is not small]
    # More workers than cores take turns (their CPU seconds grow with the switching): such
    # a run is shown, and left out of the model's terms.
    cores = os.cpu_count() or 1
    fits = [r for r in big if r.workers <= cores] or big[:1]
    reference = next(r for r in big if r.workers == 2) if any(r.workers == 2 for r in big) \
        else big[-1]
    files = args.files
    # The model's terms, in CPU seconds.
    worker_per_byte = sum(r.workers_cpu for r in fits) / (len(fits) * total)
    extra_batches = small.batches - reference.batches
    coordinator_per_batch = max(small.coordinator_cpu - reference.coordinator_cpu, 0.0) \
        / extra_batches
    scheduler_per_batch = max(small.scheduler_cpu, reference.scheduler_cpu) / small.batches
    # The reports come after the last item, on the coordinator alone (one core, so their
    # wall time is their CPU time): a term of their own, never overlapping the workers.
    report_per_file = min(r.report for r in fits) / files
    coordinator_per_file = max(reference.coordinator_cpu - reference.report
                               - coordinator_per_batch * reference.batches, 0.0) / files
    worker_rate = 1 / worker_per_byte  # bytes a second on one core
    lines = [
        "## Triage on a Dask cluster (`bench/cluster.py`)",
        "",
        f"Machine: {machine()}; load average {load_before:.1f} before, {load_after:.1f} "
        "after (other work shared the two cores: wall times are this machine's of the "
        "moment, CPU seconds are not). "
        f"Command: `python bench/cluster.py --files {files} --workers {args.workers}`. "
        f"{files:,} files of 5–200 KiB ({total / 1e6:,.0f} MB, warm page cache), MD5 + "
        "SHA-1, no perceptual hashing; every cluster a real `dask scheduler` and `dask "
        "worker` processes (one thread each, no nanny) on 127.0.0.1; the coordinator is the "
        "benchmark's process, so the command's start-up is not in these times.",
        "",
        "| run | wall s | MB/s | vs local | coordinator CPU s | scheduler CPU s "
        "| workers CPU s | batches | report s |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in runs:
        turns = " (more workers than cores)" if r.workers > cores else ""
        lines.append(
            f"| {r.label}{turns} | {r.seconds:.2f} | {total / r.seconds / 1e6:,.0f} "
            f"| {local.seconds / r.seconds:.2f}× | {r.coordinator_cpu:.2f} "
            f"| {r.scheduler_cpu:.2f} | {r.workers_cpu:.2f} | {r.batches or ''} "
            f"| {r.report:.2f} |")
    # At scale a batch holds the most files (or bytes) it may.
    files_a_batch = min(DaskCluster.BATCH_FILES, DaskCluster.BATCH_BYTES / (total / files))
    coordinator_rate = 1 / (coordinator_per_file + coordinator_per_batch / files_a_batch)
    mean_file = total / files

    def busy(w: int) -> float:
        """The CPU-bound part of a run on `w` workers: its longest term while items are
        examined, then the reports."""
        return max(total * worker_per_byte / w, files / coordinator_rate,
                   files / files_a_batch * scheduler_per_batch) + files * report_per_file

    # What a run costs beside: connecting, checking the evidence, the last batch's wait
    # (the smallest gap between a measured run and its CPU-bound part). A negative gap (a
    # run faster than its CPU-bound part: the terms overlap) counts as 0.
    fixed = max(0.0, min(r.seconds - busy(r.workers) for r in fits))
    predicted = {w: fixed + busy(w) for w in sorted({1, 2, 4, 8, 16, 32, args.predict})}
    lines += [
        "",
        "The model, from the CPU seconds above:",
        "",
        f"- a worker examines {worker_rate / 1e6:,.0f} MB/s on one core "
        f"({worker_per_byte * 1e9:.2f} CPU ns a byte, files of {mean_file / 1e3:,.0f} kB "
        "on average, their per-file work included);",
        f"- the coordinator spends {coordinator_per_file * 1e6:,.0f} µs of CPU a file (walk, "
        f"journal) and {coordinator_per_batch * 1e3:,.1f} ms a batch (sending it, "
        f"taking its rows back: {small.batches} batches of {args.small_batch} files against "
        f"{reference.batches} growing to {files_a_batch:,.0f}): at most "
        f"{coordinator_rate:,.0f} files/s, {coordinator_rate * mean_file / 1e6:,.0f} MB/s "
        "of such files, on one core, whatever the cluster's size;",
        f"- the scheduler spends {scheduler_per_batch * 1e3:,.1f} ms of CPU a batch;",
        f"- after the last item, matching and the reports take {report_per_file * 1e6:,.0f} "
        "µs a file on the coordinator alone (the least of the runs' `report s`), added to "
        "the rest, not beside it;",
        f"- a run's fixed cost (connecting, checking the evidence, the last batches) is "
        f"{fixed:.2f} s here: the smallest gap between a measured run and its CPU-bound "
        f"part, of the runs with no more workers than the machine's {cores} cores.",
        "",
        "Predicted time for these files (storage and network must deliver the bytes as "
        "fast, see below):",
        "",
        "| workers | workers' share s | coordinator s | reports s | fixed s | predicted s "
        "| MB/s |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for w, seconds in predicted.items():
        lines.append(f"| {w} | {total * worker_per_byte / w:.2f} | {files / coordinator_rate:.2f} "
                     f"| {files * report_per_file:.2f} | {fixed:.2f} | {seconds:.2f} "
                     f"| {total / seconds / 1e6:,.0f} |")
    big_w = args.predict
    workers_s = total * worker_per_byte / big_w
    coordinator_s = files / coordinator_rate
    pace = "the coordinator" if coordinator_s > workers_s else "the workers"
    balance = mean_file * coordinator_rate / worker_rate  # workers one coordinator keeps busy
    exhibit_files = 20e12 / 1e6
    examining = max(exhibit_files / coordinator_rate, 20e12 / (worker_rate * big_w))
    reporting = exhibit_files * report_per_file
    lines += [
        "",
        f"With {big_w} workers, {pace} set{'s' * (pace == 'the coordinator')} the pace on "
        f"files of this size: one coordinator keeps {balance:,.0f} workers busy with files of "
        f"{mean_file / 1e3:,.0f} kB, and more with larger files (each file costs the "
        "coordinator the same, the workers in proportion to its bytes). A 20 TB exhibit of "
        f"files averaging 1 MB is {exhibit_files / 1e6:,.0f} million files: "
        f"{exhibit_files / coordinator_rate / 3600:.1f} hours of coordinator at this rate, "
        f"{20e12 / (worker_rate * big_w) / 3600:.1f} hours of {big_w} workers at "
        f"{worker_rate / 1e6:,.0f} MB/s each, with shared storage delivering "
        f"{worker_rate * big_w / 1e9:,.1f} GB/s, the run's examination taking the longest "
        f"of the three ({examining / 3600:.1f} hours); then the reports, on the "
        "coordinator's machine alone: the term that grows with the files and not with the "
        f"cluster. In one pass (as these runs of {files:,} files are) they would take "
        f"{reporting / 3600:.1f} hours, {100 * reporting / (examining + reporting):.0f} % of "
        "the run; a run of 10,000 records or more is reported in parts, one a core "
        f"(`reporting.py`): at best {reporting / cores / 3600:.2f} hours on this machine's {cores} "
        f"cores, {reporting / 16 / 3600:.2f} on a coordinator of 16.",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
