"""The demo builders' one pattern: an app's synthetic demo is found or made whole, made in
one go from a fixed seed, recorded once in the audit, and summed up in one line.

    class RegisterDemo(DemoBuilder):
        NAME = "safeguarding demo"                 # the audit event's page
        SEED = 20260301                            # the same people every time
        SUMMARY = RegisterSummary                  # its two lines' wording
        @classmethod
        def existing(cls) -> bool: ...             # already seeded?
        @classmethod
        def counts(cls) -> Counter[str]: ...       # what the summary counts
        def build(self) -> None: ...               # make it (self.fake, self.rng, self.now)

    def seed_safeguarding_demo() -> RegisterSummary:
        require_demo_mode()                        # web/demo.py: demo mode only
        seed()                                     # the demo agencies and users first
        return RegisterDemo.seed()                 # a second call changes nothing

Each app keeps what is its own (its people, places and stories, and the order its
records are made in); the investigation demo (investigations.demo, then triage_runs.demo)
builds one fixed case rather than a population, and finds each record by its reference.
"""

from __future__ import annotations

import random
from collections import Counter
from contextlib import nullcontext
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, ClassVar

from django.db import transaction

from .. import audit
from ..audit.models import Action
from .clock import now, today

SEEDED_BY = "demo seed"  # the name demo records are made and audited under


@dataclass
class DemoSummary:
    """What a demo made (or found): one line, the counts in order of their names."""

    created: bool
    counts: Counter[str] = field(default_factory=Counter)

    SEEDED: ClassVar[str] = "Seeded the demo: "
    ALREADY: ClassVar[str] = "The demo was already seeded: "

    def notes(self) -> list[str]:
        """Lines after the counts (a code to try, say)."""
        return []

    def __str__(self) -> str:
        what = ", ".join(f"{n} {kind}" for kind, n in sorted(self.counts.items()))
        return "\n".join([(self.SEEDED if self.created else self.ALREADY) + what,
                          *self.notes()])


class DemoBuilder:
    NAME: ClassVar[str]
    SEED: ClassVar[int]
    SUMMARY: ClassVar[type[DemoSummary]] = DemoSummary
    # Made in one transaction: all of it or nothing. An app whose demo goes through its
    # real imports, which commit batch by batch, says False.
    ATOMIC: ClassVar[bool] = True

    def __init__(self) -> None:
        self.rng = random.Random(self.SEED)
        self.today = today()
        self.now = now()

    @cached_property
    def fake(self) -> Any:
        """Synthetic people and places (Faker en_GB), seeded: the same every time."""
        from faker import Faker

        fake = Faker("en_GB")
        fake.seed_instance(self.SEED)
        return fake

    def pick(self, weights: dict[Any, int]) -> Any:
        """One of `weights`' keys, as likely as its weight."""
        return self.rng.choices(list(weights), weights=list(weights.values()))[0]

    @classmethod
    def existing(cls) -> bool:
        raise NotImplementedError

    @classmethod
    def counts(cls) -> Counter[str]:
        raise NotImplementedError

    def build(self) -> None:
        raise NotImplementedError

    def summary(self) -> DemoSummary:
        return self.SUMMARY(True, self.counts())

    def record(self, summary: DemoSummary) -> None:
        """The one audit event of the seeding."""
        audit.record(None, Action.CREATE, username=SEEDED_BY, page=self.NAME,
                     counts=dict(summary.counts))

    @classmethod
    def seed(cls) -> DemoSummary:
        """Make the demo unless it exists; a second call finds it and changes nothing."""
        if cls.existing():
            return cls.SUMMARY(False, cls.counts())
        with transaction.atomic() if cls.ATOMIC else nullcontext():
            builder = cls()
            builder.build()
            summary = builder.summary()
            builder.record(summary)
        return summary

