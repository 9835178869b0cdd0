"""Intake: referrals (JSON file, page or token API) and sightings (monitors' CSV) taken in,
validated against the schema, their files catalogued and matched against the hash sets,
their districts resolved, one import at a time, recorded as collected (auditing.Actor)."""
