"""The register's forms, one module per concept."""
