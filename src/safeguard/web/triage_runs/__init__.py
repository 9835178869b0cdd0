"""Triage runs: an exhibit's triage from request to results.

The run queue (run_queue.py: TriageJob rows, claimed atomically), `safeguard worker`
(worker.py, with monitor.py writing progress and heartbeats), the import of a finished
run (importer.py: the engine's read_run and files.csv codec), the result models
(models/), and the job, progress and files pages (views/), which live under
/investigations/ as they always did. Investigations holds the cases, exhibits and
suspects and imports nothing from here; review reads runs from here.
"""
