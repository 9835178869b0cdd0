"""Tests of triage runs as an app of their own (the run pages themselves are tested in
tests/web/investigations, where they were written)."""
