"""Views of the investigations app, one module per concept. Every view asks the policy
on its first line (safeguard.web.policy, investigations.access) and records what the
user saw or changed (safeguard.web.audit)."""
