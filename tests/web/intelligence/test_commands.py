"""`safeguard intel ...` through click's CliRunner: exit codes and what they print."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from safeguard.cli import main
from safeguard.web.intelligence.models import ApiToken, Referral, Sighting, token_digest

from .helpers import A_FILES, IntelTestCase, referral, sighting, sightings_csv


class CommandTests(IntelTestCase):
    def run_cli(self, *args: str) -> tuple[int, str]:
        result = CliRunner().invoke(main, ["intel", *args], catch_exceptions=False)
        return result.exit_code, result.output

    def write(self, name: str, text: str) -> str:
        path = Path(self.home) / name
        path.write_text(text)
        return str(path)

    def test_import_referrals(self) -> None:
        path = self.write("r.json", json.dumps({"referrals": [
            referral("R1", email="a@example.org"), referral("R2", files=[{"md5": "x"}])]}))
        code, output = self.run_cli("import-referrals", path, "--agency", self.owner_agency.name)
        self.assertEqual(code, 4, output)
        self.assertIn("1 referral(s) taken in, 0 already held, 1 refused", output)
        self.assertIn("referrals[1].files[0].md5: expected 32 hexadecimal characters", output)
        self.assertEqual(Referral.objects.get().report_id, "R1")
        code, output = self.run_cli("import-referrals", path, "--agency",
                                    self.owner_agency.name, "--strict")
        self.assertEqual(code, 3, output)

    def test_import_ncmec(self) -> None:
        from .test_ncmec import CORPUS

        code, output = self.run_cli("import-ncmec", str(CORPUS), "--agency",
                                    self.owner_agency.name)
        self.assertEqual(code, 0, output)
        self.assertIn("2 report(s) taken in, 0 already held, 0 refused", output)
        self.assertIn("is a child", output)
        self.assertIn("to refer to children's social care (a person refers)", output)
        broken = self.write("900000999.xml", "<report><bogus/></report>")
        code, output = self.run_cli("import-ncmec", broken, "--agency",
                                    self.owner_agency.name)
        self.assertEqual(code, 4, output)
        self.assertIn("report/bogus: not an element of the NCMEC schema", output)

    def test_import_referrals_refuses_a_partner_agency_and_a_broken_file(self) -> None:
        path = self.write("r.json", json.dumps(referral()))
        code, output = self.run_cli("import-referrals", path, "--agency",
                                    self.partner_agency.name)
        self.assertEqual(code, 2)
        self.assertIn("not an active police agency", output)
        broken = self.write("b.json", "{")
        code, output = self.run_cli("import-referrals", broken, "--agency",
                                    self.owner_agency.name)
        self.assertEqual(code, 3)
        self.assertIn("not JSON", output)

    def test_import_sightings(self) -> None:
        path = self.write("s.csv", sightings_csv([
            sighting("2026-03-03T10:00:00Z", "203.0.113.1", A_FILES[0]),
            sighting("2026-03-03T10:00:00Z", "203.0.113.1", "bad")]))
        code, output = self.run_cli("import-sightings", path, "--agency",
                                    self.owner_agency.name, "--source", "Monitor")
        self.assertEqual(code, 4, output)
        self.assertIn("2 row(s): 1 imported (1 of known material), 1 skipped", output)
        self.assertIn("s.csv line 3: md5", output)
        self.assertEqual(Sighting.objects.count(), 1)
        missing = self.write("m.csv", "identifier\n")
        code, output = self.run_cli("import-sightings", missing, "--agency",
                                    self.owner_agency.name, "--source", "Monitor")
        self.assertEqual(code, 3)

    def test_token_prints_a_token_once(self) -> None:
        code, output = self.run_cli("token", "--agency", self.owner_agency.name, "--name",
                                    "Feed")
        self.assertEqual(code, 0)
        token = output.strip()
        self.assertEqual(ApiToken.objects.get().digest, token_digest(token))

    def test_recount(self) -> None:
        self.take_in(referral("R1", email="a@example.org", md5s=A_FILES[:2]))
        code, output = self.run_cli("recount")
        self.assertEqual((code, output.strip()), (0, "Recounted 1 subject(s)."))
