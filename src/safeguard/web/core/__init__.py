"""What every app shares: agency-owned records, sharing, the base template and home."""
