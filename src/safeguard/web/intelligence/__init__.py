"""Intelligence: referrals from outside, sightings of sharing, subjects, priorities and the
live picture (docs/intelligence.md). Police only.

Importing this package imports no Django: `safeguard intel ...` commands live in
`commands.py` and import Django inside their functions.
"""
