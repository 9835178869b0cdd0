"""People, agencies, roles and two-factor sign-in."""
