"""The web platform: a Django project that is a client of the triage engine.

Nothing here is imported by the engine or by `safeguard.cli` at import time; the CLI's
web commands import Django inside their functions (tests/test_engine_isolation.py).
"""
