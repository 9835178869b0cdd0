"""The safeguarding register: children at risk, their risk screenings, missing episodes,
warning notices, harms, referrals, panels and the adults who threaten them
(docs/safeguarding.md)."""
