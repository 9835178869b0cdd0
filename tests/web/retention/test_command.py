"""`safeguard retention due`: counts per agency and record type, for a scheduled job."""

from __future__ import annotations

from datetime import date

from click.testing import CliRunner

from safeguard.cli import main

from .base import RetentionTestCase


class DueCommandTests(RetentionTestCase):
    def run_cli(self, *args: str) -> tuple[int, str]:
        result = CliRunner().invoke(main, ["retention", "due", *args], catch_exceptions=False)
        return result.exit_code, result.output

    def test_it_counts_what_is_due_and_names_no_record(self) -> None:
        self.old_child()
        self.old_child()
        self.closed_report(date(2020, 1, 1))
        self.old_child(agency=self.partner_agency)
        code, output = self.run_cli("--on", "2026-03-03")
        self.assertEqual(code, 0, output)
        self.assertIn("Staffordshire Police (test)\tchild\t2", output)
        self.assertIn("Staffordshire Police (test)\tconcern_report\t1", output)
        self.assertIn("Stoke-on-Trent City Council (test)\tchild\t1", output)
        self.assertIn("total\t4", output)
        self.assertNotIn("Zebedee", output)
        code, output = self.run_cli("--on", "2010-01-01")
        self.assertIn("total\t0", output)

    def test_options(self) -> None:
        self.old_child()
        code, output = self.run_cli("--agency", self.partner_agency.name, "--fail-if-due")
        self.assertEqual((code, output.splitlines()[-1]), (0, "total\t0"))
        code, _ = self.run_cli("--agency", self.owner_agency.name, "--fail-if-due")
        self.assertEqual(code, 4)
        code, output = self.run_cli("--agency", "Nowhere Police")
        self.assertEqual(code, 2)
        self.assertIn("no active agency named 'Nowhere Police'", output)
        code, output = self.run_cli("--on", "3 March")
        self.assertEqual(code, 2)
        self.assertIn("not a date", output)
