"""Views of triage runs: starting one and its progress (jobs.py), the files it found
(files.py). Every view asks about the run's exhibit first (triage_runs.access)."""
