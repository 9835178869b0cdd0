"""PostgreSQL: the platform's role, not owning the tables, cannot lift the audit guards."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import TransactionTestCase

from safeguard.web import audit
from safeguard.web.audit.models import Action
from safeguard.web.dbroles import grant_platform_role

ROLE = "safeguard_platform_test"

pytestmark = pytest.mark.postgres


class PlatformRoleTests(TransactionTestCase):
    def setUp(self) -> None:
        if connection.vendor != "postgresql":
            self.skipTest("needs PostgreSQL: run under scripts/with-postgres.sh")
        with connection.cursor() as cursor:
            cursor.execute(f"DROP ROLE IF EXISTS {ROLE}")
            cursor.execute(f"CREATE ROLE {ROLE} LOGIN")
        audit.record(None, Action.LOGIN_FAILED, username="before")
        grant_platform_role(ROLE, alias="default")  # the tests' user owns the tables
        self.addCleanup(self._drop_role)

    def _drop_role(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP OWNED BY {ROLE}")
            cursor.execute(f"DROP ROLE {ROLE}")

    def as_platform(self, statement: str) -> str | None:
        """Run `statement` as the platform's role; the error it raised, or None."""
        import psycopg

        settings = connection.settings_dict
        with psycopg.connect(host=settings["HOST"], dbname=settings["NAME"], user=ROLE,
                             autocommit=True) as other:
            try:
                other.execute(statement)
            except psycopg.Error as exc:
                return str(exc).splitlines()[0]
        return None

    def test_it_cannot_lift_or_bypass_the_guards(self) -> None:
        refused = {
            "ALTER TABLE audit_auditevent DISABLE TRIGGER USER": "must be owner",
            "DROP TRIGGER audit_auditevent_append_only ON audit_auditevent": "must be owner",
            "ALTER TABLE audit_chainhead DISABLE TRIGGER USER": "must be owner",
            "TRUNCATE audit_auditevent": "permission denied",
            "DELETE FROM audit_auditevent": "permission denied",
            "UPDATE audit_auditevent SET justification = 'x'": "permission denied",
            "DELETE FROM audit_chainhead": "permission denied",
            "UPDATE audit_chainhead SET sequence = 0": "only moves forward",
            "DELETE FROM django_migrations": "permission denied",
        }
        for statement, why in refused.items():
            with self.subTest(statement=statement):
                error = self.as_platform(statement)
                self.assertIsNotNone(error, statement)
                self.assertIn(why, error or "")

    def test_it_can_do_the_platforms_work(self) -> None:
        self.assertIsNone(self.as_platform("SELECT count(*) FROM audit_auditevent"))
        self.assertIsNone(self.as_platform("SELECT count(*) FROM accounts_user"))
        self.assertIsNone(self.as_platform(
            "UPDATE accounts_agency SET name = name WHERE false"))
