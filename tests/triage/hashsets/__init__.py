"""Tests of the hash-set subsystem (a package so the shared contract imports relatively)."""
