"""Intelligence pages, one module per concept; each view asks access.py first."""
