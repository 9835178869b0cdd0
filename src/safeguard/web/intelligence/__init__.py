"""Intelligence: referrals from outside, sightings of sharing, subjects, priorities and the
live picture (docs/intelligence.md). Police only.

One subpackage per stage a record goes through: intake/ (referrals and sightings taken
in, files matched, districts resolved), linking/ (identifiers linked into subjects),
scoring/ (counters and the priority score, decisions, cases) and live/ (the live
picture). The models, views, forms, access rules and local settings sit here. The
`safeguard intel ...` commands are the CLI's (safeguard.cli.intel).
"""
