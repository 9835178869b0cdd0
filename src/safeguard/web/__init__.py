"""The web platform: a Django project that is a client of the triage engine.

Nothing here is imported by the engine or by `safeguard.cli` at import time, and nothing
here imports the CLI: its web commands import Django inside their functions, after
`safeguard.cli.django_setup.setup_django()` (tests/test_engine_isolation.py).
"""
