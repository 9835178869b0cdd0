"""No update or delete path: not through the ORM, and not in SQL on the database."""

from __future__ import annotations

from django.db import DatabaseError, connection, transaction

from safeguard.web import audit
from safeguard.web.audit.models import Action, AppendOnlyError, AuditEvent

from .base import WebTestCase


class AppendOnlyTests(WebTestCase):
    def setUp(self) -> None:
        self.event = audit.record(None, Action.LOGIN_FAILED, username="someone")

    def test_save_refuses_an_update(self) -> None:
        self.event.justification = "changed"
        with self.assertRaises(AppendOnlyError):
            self.event.save()

    def test_delete_raises(self) -> None:
        with self.assertRaises(AppendOnlyError):
            self.event.delete()

    def test_the_queryset_refuses_update_and_delete(self) -> None:
        with self.assertRaises(AppendOnlyError):
            AuditEvent.objects.filter(pk=self.event.pk).update(justification="x")
        with self.assertRaises(AppendOnlyError):
            AuditEvent.objects.all().delete()

    def test_a_row_is_written_only_through_record(self) -> None:
        with self.assertRaises(AppendOnlyError):
            AuditEvent.objects.create(sequence=99, at=self.event.at, action=Action.VIEW,
                                      previous_hash="0" * 64)

    def test_the_database_refuses_an_update(self) -> None:
        with self.assertRaises(DatabaseError), transaction.atomic(), connection.cursor() as c:
            c.execute("UPDATE audit_auditevent SET justification = 'x'")
        self.assertEqual(AuditEvent.objects.get().justification, "")

    def test_the_database_refuses_a_delete(self) -> None:
        with self.assertRaises(DatabaseError), transaction.atomic(), connection.cursor() as c:
            c.execute("DELETE FROM audit_auditevent")
        self.assertEqual(AuditEvent.objects.count(), 1)

    def test_it_refuses_an_unknown_action(self) -> None:
        with self.assertRaises(ValueError):
            audit.record(None, "peek")
