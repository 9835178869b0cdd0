"""The review of new images: graders' queue, welfare mode, grading and the VICS export.

docs/review.md describes the screens, the welfare measures, the queue's order and the
grading rule; the engine's `triage.evidence.fetch` reads each item back from the evidence.
"""
