"""Retention, review and disposal: the schedule per record type (retention.toml), the
disposal review work list, and the log of every decision (docs/retention.md)."""
