"""Linking: identifiers normalised (identifiers.py), the rules that put records into one
subject (rules.py), and an analyst's merges and splits of profiles (profiles.py)."""
