"""Statistics: the committee's figures by district with the period before, the map, and
the committee report (HTML and PDF) with small numbers suppressed (docs/statistics.md).
Not the engine's triage reports (safeguard.triage.reports)."""
