"""The triage engine: a library that never imports Django (a test checks it)."""
