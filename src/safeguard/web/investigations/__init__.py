"""Investigations: operations, investigations, suspects, exhibits, and the triage of
exhibits in a background worker with its results imported for browsing (docs/web.md)."""
