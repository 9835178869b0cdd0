"""Scoring: the counters every import keeps (stats.py), the priority score (score.py),
decided subjects back on the work queue when seen again (reopening.py), and a subject
becoming an investigation whose triage feeds its profile (cases.py)."""
