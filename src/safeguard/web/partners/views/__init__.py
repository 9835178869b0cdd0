"""The partners' pages, one module per concept."""
