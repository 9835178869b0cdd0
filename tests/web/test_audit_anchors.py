"""Anchors: the chain's head exported outside the database as events are written, and a
plain `safeguard audit verify` checked against the newest one."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from unittest import mock

from click.testing import CliRunner

from safeguard.cli.audit import audit as audit_group
from safeguard.web import audit
from safeguard.web.audit import anchors
from safeguard.web.audit.anchors import AnchorError, export_head, latest_anchor, read_anchors
from safeguard.web.audit.models import Action

from .base import WebTestCase
from .tamper import sql


class AnchorTests(WebTestCase):
    def setUp(self) -> None:
        folder = Path(tempfile.mkdtemp(prefix="safeguard-anchors-"))
        self.file = folder / "anchors.log"
        self.enterContext(self.settings(AUDIT_ANCHOR_FILE=self.file, AUDIT_ANCHOR_EVERY=100,
                                        AUDIT_ANCHOR_SECONDS=300))
        # Each test starts as a fresh process would: nothing anchored yet.
        self.enterContext(mock.patch.object(anchors, "_last_sequence", None))

    def write(self, count: int) -> None:
        # One transaction an event, as requests commit in the running platform; the anchor
        # is written once each commits.
        for n in range(count):
            with self.captureOnCommitCallbacks(execute=True):
                audit.record(None, Action.LOGIN_FAILED, username=f"u{n}")

    def verify(self, *args: str) -> tuple[int, str]:
        result = CliRunner().invoke(audit_group, ["verify", *args])
        return result.exit_code, result.output

    def test_every_hundred_events_are_anchored(self) -> None:
        self.write(250)
        self.assertEqual([a.sequence for a in read_anchors(self.file)], [100, 200])
        line = json.loads(self.file.read_text().splitlines()[0])
        self.assertEqual(set(line), {"sequence", "hash", "at", "mac"})

    def test_a_quiet_chain_is_anchored_after_the_interval(self) -> None:
        self.write(3)
        self.assertEqual(read_anchors(self.file), [])
        with mock.patch.object(anchors.time, "monotonic", return_value=10**9):
            self.write(1)
        self.assertEqual([a.sequence for a in read_anchors(self.file)], [4])

    def test_nothing_is_anchored_for_a_transaction_that_rolled_back(self) -> None:
        with self.captureOnCommitCallbacks(execute=False) as callbacks:
            audit.record(None, Action.LOGIN_FAILED, username="x")
        self.assertEqual(len(callbacks), 1)  # run only if the transaction commits
        self.assertEqual(read_anchors(self.file), [])

    def test_a_plain_verify_catches_rows_removed_with_the_head_moved_back(self) -> None:
        self.write(120)
        self.assertEqual(latest_anchor(self.file).sequence, 100)  # type: ignore[union-attr]
        code, output = self.verify()
        self.assertEqual(code, 0, output)
        # Someone with the database: the newest 40 rows removed, the head moved back.
        head = audit.verify_chain()
        self.assertTrue(head.ok)
        sql("DELETE FROM audit_auditevent WHERE sequence > 80")
        last = audit.verify_chain()  # the chain alone would not know...
        self.assertFalse(last.ok)
        previous = self.hash_of(80)
        sql("UPDATE audit_chainhead SET sequence = 80, hash = %s", [previous])
        self.assertTrue(audit.verify_chain().ok)  # ...once the head is moved back too
        code, output = self.verify()
        self.assertEqual(code, 3, output)
        self.assertIn("the anchor names row 100 but the chain ends at row 80", output)

    def test_a_forged_anchor_line_is_refused(self) -> None:
        self.write(100)
        data = json.loads(self.file.read_text())
        data["sequence"] = 50
        self.file.write_text(json.dumps(data) + "\n")
        with self.assertRaises(AnchorError):
            read_anchors(self.file)
        code, output = self.verify()
        self.assertEqual(code, 3)
        self.assertIn("not written with the audit key", output)

    def test_verify_says_when_there_is_no_anchor_yet(self) -> None:
        self.write(2)
        code, output = self.verify()
        self.assertEqual(code, 0, output)
        self.assertIn("no anchor exported yet", output)

    def test_the_anchor_command_exports_now(self) -> None:
        self.write(5)
        result = CliRunner().invoke(audit_group, ["anchor"])
        self.assertIn("anchored row 5", result.output)
        self.assertIsNone(export_head())  # already anchored: nothing new

    def hash_of(self, sequence: int) -> str:
        from safeguard.web.audit.models import AuditEvent

        return AuditEvent.objects.get(sequence=sequence).hash


def test_a_command_that_wrote_events_anchors_them_as_it_ends(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items()
           if not k.startswith("SAFEGUARD_") and k not in ("DATABASE_URL",
                                                           "DJANGO_SETTINGS_MODULE")}
    env.update(SAFEGUARD_MODE="demo", SAFEGUARD_HOME=str(tmp_path))
    command = ("from safeguard.cli.django_setup import migrate_database, setup_django\n"
               "setup_django(); migrate_database()\n"
               "from safeguard.web import audit\n"
               "for n in range(3): audit.record(None, 'login_failed', username=f'u{n}')\n")
    done = subprocess.run([sys.executable, "-c", command], env=env, capture_output=True,
                          text=True)
    assert done.returncode == 0, done.stderr
    lines = (tmp_path / "web" / "audit-anchors.log").read_text().splitlines()
    assert [json.loads(line)["sequence"] for line in lines] == [3]
