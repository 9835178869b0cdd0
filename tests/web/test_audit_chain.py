"""The hash chain: appends link up; verify finds the first row altered or removed."""

from __future__ import annotations

import itertools

from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from safeguard.web import audit
from safeguard.web.audit.chain import GENESIS_HASH, compute_hash, verify_chain
from safeguard.web.audit.models import Action, AuditEvent, ChainHead

from .base import WebTestCase
from .tamper import sql


class ChainTests(WebTestCase):
    def setUp(self) -> None:
        for n in range(1, 6):
            audit.record(None, Action.LOGIN_FAILED, username=f"user{n}", reason="test")

    def test_events_link_to_the_one_before(self) -> None:
        events = list(AuditEvent.objects.order_by("sequence"))
        self.assertEqual([e.sequence for e in events], [1, 2, 3, 4, 5])
        self.assertEqual(events[0].previous_hash, GENESIS_HASH)
        for before, after in itertools.pairwise(events):
            self.assertEqual(after.previous_hash, before.hash)
        for event in events:
            self.assertEqual(compute_hash(event), event.hash)
        head = ChainHead.objects.get()
        self.assertEqual((head.sequence, head.hash), (5, events[-1].hash))

    def test_an_intact_chain_verifies(self) -> None:
        result = verify_chain()
        self.assertTrue(result.ok, result.summary())
        self.assertEqual(result.checked, 5)
        self.assertIn("intact: 5 events", result.summary())

    def test_it_detects_an_altered_row(self) -> None:
        sql("UPDATE audit_auditevent SET actor_username = 'someone else' WHERE sequence = 3")
        result = verify_chain()
        self.assertFalse(result.ok)
        self.assertEqual(result.sequence, 3)
        self.assertIn("row 3 was altered", result.problem)

    def test_it_detects_an_altered_row_whose_hash_was_recomputed(self) -> None:
        event = AuditEvent.objects.get(sequence=3)
        event.justification = "a better story"
        forged = compute_hash(event)
        sql("UPDATE audit_auditevent SET justification = %s, hash = %s WHERE sequence = 3",
            ["a better story", forged])
        result = verify_chain()
        self.assertFalse(result.ok)
        self.assertEqual(result.sequence, 4)
        self.assertIn("does not link to row 3", result.problem)

    def test_a_rewritten_chain_rehashed_without_the_key_is_caught(self) -> None:
        # Everything from row 3 rewritten and re-linked, hashed with a key of the forger's
        # own (they can read the database, not the key): the first forged row shows.
        forger = {"AUDIT_KEY": b"the forger's own key, not the real one!"}
        previous = AuditEvent.objects.get(sequence=2).hash
        for event in AuditEvent.objects.filter(sequence__gte=3).order_by("sequence"):
            event.justification = "rewritten"
            event.previous_hash = previous
            with self.settings(**forger):
                event.hash = compute_hash(event)
            sql("UPDATE audit_auditevent SET justification = %s, previous_hash = %s, "
                "hash = %s WHERE sequence = %s",
                [event.justification, event.previous_hash, event.hash, event.sequence])
            previous = event.hash
        sql("UPDATE audit_chainhead SET hash = %s", [previous])
        result = verify_chain()
        self.assertFalse(result.ok)
        self.assertEqual(result.sequence, 3)
        self.assertIn("hashed with another key", result.problem)

    def test_an_unkeyed_row_after_keyed_ones_is_a_forgery(self) -> None:
        # Plain SHA-256 needs no key: a forger could try to pass rows off as written
        # before the chain was keyed.
        event = AuditEvent.objects.get(sequence=5)
        event.chain_version = 1
        sql("UPDATE audit_auditevent SET chain_version = 1, hash = %s WHERE sequence = 5",
            [compute_hash(event)])
        result = verify_chain()
        self.assertFalse(result.ok)
        self.assertIn("forged without the key", result.problem)

    def test_rows_written_before_the_chain_was_keyed_still_verify(self) -> None:
        sql("DELETE FROM audit_auditevent")
        previous = GENESIS_HASH
        for n in (1, 2):
            event = AuditEvent(sequence=n, at=timezone.now(), action=Action.LOGIN,
                               actor_username="old", previous_hash=previous, chain_version=1)
            event.details = {}
            event.hash = compute_hash(event)
            event.save()
            previous = event.hash
        sql("UPDATE audit_chainhead SET sequence = 2, hash = %s", [previous])
        audit.record(None, Action.LOGIN, username="new")
        result = verify_chain()
        self.assertTrue(result.ok, result.summary())
        self.assertEqual(result.legacy, 2)
        self.assertIn("2 early events were written before the chain was keyed",
                      result.summary())

    def test_the_database_refuses_to_move_the_head(self) -> None:
        for statement in ("UPDATE audit_chainhead SET sequence = 3",
                          "UPDATE audit_chainhead SET sequence = 6, hash = 'x'",
                          "DELETE FROM audit_chainhead",
                          "INSERT INTO audit_chainhead (id, sequence, hash) VALUES (2, 0, 'x')"):
            with self.subTest(statement=statement), self.assertRaises(DatabaseError), \
                    transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(statement)
        self.assertEqual(ChainHead.objects.get().sequence, 5)

    def test_it_detects_an_altered_timestamp(self) -> None:
        sql("UPDATE audit_auditevent SET at = %s WHERE sequence = 2",
            [AuditEvent.objects.get(sequence=1).at])
        self.assertEqual(verify_chain().sequence, 2)

    def test_it_detects_a_removed_row(self) -> None:
        sql("DELETE FROM audit_auditevent WHERE sequence = 2")
        result = verify_chain()
        self.assertFalse(result.ok)
        self.assertEqual(result.sequence, 2)
        self.assertIn("row 2 is missing", result.problem)

    def test_it_detects_removed_rows_renumbered(self) -> None:
        sql("DELETE FROM audit_auditevent WHERE sequence = 2")
        for n in (3, 4, 5):
            sql("UPDATE audit_auditevent SET sequence = %s WHERE sequence = %s", [n - 1, n])
        result = verify_chain()
        self.assertFalse(result.ok)
        self.assertEqual(result.sequence, 2)

    def test_it_detects_rows_removed_from_the_end(self) -> None:
        sql("DELETE FROM audit_auditevent WHERE sequence >= 4")
        result = verify_chain()
        self.assertFalse(result.ok)
        self.assertEqual(result.sequence, 4)
        self.assertIn("removed from the end", result.problem)

    def test_an_anchor_catches_a_chain_rewritten_whole(self) -> None:
        anchor = verify_chain()
        sql("DELETE FROM audit_auditevent")
        sql("UPDATE audit_chainhead SET sequence = 0, hash = %s", [GENESIS_HASH])
        self.assertTrue(verify_chain().ok)  # an empty chain is a valid chain...
        result = verify_chain(anchor=(anchor.head_sequence, anchor.head_hash))
        self.assertFalse(result.ok)  # ...but not the one anchored earlier
        self.assertIn("the anchor names row 5", result.problem)

    def test_an_anchor_matches_an_intact_chain(self) -> None:
        anchor = verify_chain()
        audit.record(None, Action.LOGIN_FAILED, username="later")
        self.assertTrue(verify_chain(anchor=(anchor.head_sequence, anchor.head_hash)).ok)
        self.assertFalse(verify_chain(anchor=(anchor.head_sequence, "0" * 64)).ok)

    def test_it_rolls_back_with_the_change_it_records(self) -> None:
        try:
            with transaction.atomic():
                audit.record(None, Action.UPDATE, username="x")
                raise RuntimeError("the change failed")
        except RuntimeError:
            pass
        self.assertEqual(AuditEvent.objects.count(), 5)
        self.assertEqual(ChainHead.objects.get().sequence, 5)
        audit.record(None, Action.UPDATE, username="y")
        self.assertTrue(verify_chain().ok)

    def test_details_survive_storage_unchanged(self) -> None:
        event = audit.record(None, Action.EXPORT, username="x", files=3, ratio=0.1,
                             names=["a", "é"], nested={"b": 1, "a": None})
        stored = AuditEvent.objects.get(pk=event.pk)
        self.assertEqual(compute_hash(stored), stored.hash)
        self.assertTrue(verify_chain().ok)

    def test_the_cli_verifies(self) -> None:
        from click.testing import CliRunner

        from safeguard.cli.audit import audit as audit_group

        result = CliRunner().invoke(audit_group, ["verify"])
        self.assertEqual(result.exit_code, 0, result.output)
        self.assertIn("audit chain intact: 5 events", result.output)
        anchor = result.output.split("anchor: ")[1].strip()
        sql("UPDATE audit_auditevent SET object_label = 'x' WHERE sequence = 5")
        result = CliRunner().invoke(audit_group, ["verify", "--anchor", anchor])
        self.assertEqual(result.exit_code, 3, result.output)
        self.assertIn("broken at row 5", result.output)

    def test_the_cli_checks_the_anchor_format(self) -> None:
        from click.testing import CliRunner

        from safeguard.cli.audit import audit as audit_group

        result = CliRunner().invoke(audit_group, ["verify", "--anchor", "nonsense"])
        self.assertEqual(result.exit_code, 2)

