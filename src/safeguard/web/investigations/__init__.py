"""Investigations: operations, investigations, suspects and exhibits (docs/web.md). The
triage of an exhibit, its worker and its results are the triage_runs app's, which adds
its sections to the exhibit page (views/exhibits.py, EXHIBIT_PANELS)."""
