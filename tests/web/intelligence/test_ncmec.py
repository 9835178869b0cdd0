"""NCMEC CyberTipline packages: read to the schema, errors naming the element, fuzzed;
imported with the children they name, the band, and the safeguarding route."""

from __future__ import annotations

import hashlib
import shutil
import tempfile
import zipfile
from datetime import timedelta
from pathlib import Path
from unittest import TestCase

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from safeguard.web.intelligence.intake.ncmec import (
    CHILDREN,
    NcmecError,
    _parse,
    build,
)
from safeguard.web.intelligence.intake.ncmec_import import import_ncmec
from safeguard.web.intelligence.intake.ncmec_package import read_packages
from safeguard.web.intelligence.models import (
    Assessment,
    Channel,
    ChildAtRisk,
    ChildRole,
    ChildStatus,
    Referral,
    ReferralFile,
    Subject,
    SubjectStatus,
)

from .helpers import IntelTestCase

CORPUS = Path(__file__).resolve().parent / "ncmec"
PACKAGE = CORPUS / "cybertip-900000101"
CHILD_SUBJECT = CORPUS / "900000102.xml"


def _copy(tmp: Path, name: str, text: str) -> Path:
    target = tmp / name
    target.write_text(text, encoding="utf-8")
    return target


class ParserTests(TestCase):
    def setUp(self) -> None:
        self.tmp = Path(tempfile.mkdtemp(prefix="ncmec-"))
        self.addCleanup(shutil.rmtree, self.tmp, True)
        self.report = (PACKAGE / "report.xml").read_text(encoding="utf-8")

    def test_the_package_reads_to_a_referral_with_its_facts(self) -> None:
        reports, warnings, refused = read_packages(PACKAGE)
        self.assertEqual((len(reports), refused, warnings), (1, [], []))
        report = reports[0]
        self.assertEqual(report.number, "900000101")
        doc = report.document
        self.assertEqual(doc["reporting_service"]["name"], "ExampleChat")
        account = doc["accounts"][0]
        self.assertEqual((account["username"], account["account_id"], account["email"]),
                         ("fox_example_101", "100200301", "alex.example@example.org"))
        self.assertEqual([e["ip"] for e in account["ip_events"]],
                         ["203.0.113.7", "2001:db8:1000::7"])
        self.assertEqual(account["ip_events"][0]["port"], 51234)
        self.assertEqual([f.get("md5") or f.get("sha1") for f in doc["files"]],
                         ["5d41402abc4b2a76b9719d911017c592",
                          "aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d"])
        self.assertEqual(doc["files"][0]["name"], "IMG_0101.jpg")
        self.assertEqual(doc["location"]["postcode"], "ST1 4AA")
        facts = report.facts
        self.assertIn("ongoing contact", facts["escalation"])
        self.assertEqual(facts["annotations"], ["csamSolicitation"])
        self.assertEqual(facts["prior_reports"], [900000001])
        self.assertEqual([v["first_name"] for v in facts["victims"]], ["Sam"])
        self.assertEqual([r["screen_name"] for r in facts["recipients"]], ["star_example_399"])
        self.assertEqual(facts["subject"]["age"], 41)

    def test_a_zip_and_a_folder_of_reports_read_alike(self) -> None:
        archive = self.tmp / "cybertip-900000101.zip"
        with zipfile.ZipFile(archive, "w") as zf:
            for item in PACKAGE.iterdir():
                zf.write(item, item.name)
        zipped, _, refused = read_packages(archive)
        self.assertEqual(refused, [])
        folder, _, _ = read_packages(PACKAGE)
        self.assertEqual(zipped[0].document, folder[0].document)
        every, _, refused = read_packages(CORPUS)
        self.assertEqual(sorted(r.number for r in every), ["900000101", "900000102"])

    def test_an_unknown_element_is_an_error_naming_it(self) -> None:
        text = self.report.replace("<platform>", "<escalate>x</escalate><platform>")
        with self.assertRaises(NcmecError) as caught:
            build(_parse("900000101.xml", text.encode()), "900000101", [])
        self.assertIn("report/incidentSummary/escalate: not an element of the NCMEC schema",
                      str(caught.exception))

    def test_bad_values_name_their_element(self) -> None:
        text = (self.report.replace("2026-03-01T21:14:00Z", "yesterday")
                .replace("<port>51234</port>", "<port>99999</port>")
                .replace("<sextortion>false", "<sextortion>perhaps"))
        with self.assertRaises(NcmecError) as caught:
            build(_parse("900000101.xml", text.encode()), "900000101", [])
        problems = "\n".join(caught.exception.problems)
        self.assertIn("report/incidentSummary/incidentDateTime: expected a date and time",
                      problems)
        self.assertIn("report/personOrUserReported/ipCaptureEvent/port: expected a whole "
                      "number 0 to 65535", problems)
        self.assertIn("report/incidentSummary/reportAnnotations/sextortion: expected true or "
                      "false", problems)

    def test_a_bad_digest_names_the_file_details(self) -> None:
        folder = self.tmp / "cybertip-900000101"
        shutil.copytree(PACKAGE, folder)
        path = folder / "file-1.xml"
        path.write_text(path.read_text().replace("5d41402abc", "zz41402abc"))
        reports, _, refused = read_packages(folder)
        self.assertEqual(reports, [])
        self.assertIn("file-1.xml: fileDetails/originalFileHash[@hashType=md5]: expected 32 "
                      "hexadecimal characters", str(refused[0]))

    def test_an_attached_file_is_hashed_when_no_digest_is_given(self) -> None:
        folder = self.tmp / "cybertip-900000101"
        shutil.copytree(PACKAGE, folder)
        path = folder / "file-2.xml"
        path.write_text("\n".join(line for line in path.read_text().splitlines()
                                  if "originalFileHash" not in line))
        (folder / "upload-2.jpg").write_bytes(b"benign placeholder bytes, not a picture")
        reports, warnings, refused = read_packages(folder)
        self.assertEqual(refused, [])
        self.assertEqual(reports[0].document["files"][1]["md5"],
                         hashlib.md5(b"benign placeholder bytes, not a picture").hexdigest())
        self.assertEqual(warnings, [])

    def test_entities_are_refused(self) -> None:
        bomb = (b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaa">]><report>&a;</report>')
        with self.assertRaises(NcmecError) as caught:
            _parse("bomb.xml", bomb)
        self.assertIn("entities or a DTD are not accepted", str(caught.exception))

    def test_other_roots_and_orphan_file_details_are_refused(self) -> None:
        _copy(self.tmp, "900000201.xml", "<reportResponse/>")
        _copy(self.tmp, "orphan.xml", "<fileDetails><reportId>77777777</reportId></fileDetails>")
        _copy(self.tmp, "broken.xml", "<report><incidentSummary>")
        _, _, refused = read_packages(self.tmp)
        text = "\n".join(str(r) for r in refused)
        self.assertIn("900000201.xml: root element <reportResponse>", text)
        self.assertIn("orphan.xml: fileDetails/reportId '77777777': no report", text)
        self.assertIn("broken.xml: not well-formed XML", text)


_NAMES = sorted({n for names in CHILDREN.values() for n in names} | set(CHILDREN))


@st.composite
def _elements(draw: st.DrawFn, depth: int = 0) -> str:
    name = draw(st.sampled_from([*_NAMES, "unknownThing"]))
    if depth > 2 or draw(st.booleans()):
        text = draw(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs",
                                                                                       "Cc"]),
                            max_size=30)).replace("&", "").replace("<", "")
        return f"<{name}>{text}</{name}>"
    kids = draw(st.lists(_elements(depth + 1), max_size=4))  # type: ignore[call-arg]
    return f"<{name}>{''.join(kids)}</{name}>"


class FuzzTests(TestCase):
    """Whatever arrives, the reader answers with a report or an NcmecError naming the
    problem: never another exception."""

    @settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.lists(_elements(), max_size=6))  # type: ignore[call-arg]
    def test_random_trees_of_schema_names(self, kids: list[str]) -> None:
        data = f"<report>{''.join(kids)}</report>".encode()
        try:
            build(_parse("900000001.xml", data), "900000001", [])
        except NcmecError as exc:
            self.assertTrue(exc.problems)

    @settings(max_examples=300, deadline=None)
    @given(st.binary(max_size=300))
    def test_random_bytes(self, data: bytes) -> None:
        try:
            build(_parse("900000001.xml", data), "900000001", [])
        except NcmecError as exc:
            self.assertTrue(exc.problems)

    @settings(max_examples=200, deadline=None)
    @given(st.integers(0, 2000), st.text(max_size=5))
    @example(at=31, insert="0")  # encoding="U0TF-8": the codec lookup failed (a finding)
    def test_mutations_of_the_sample(self, at: int, insert: str) -> None:
        text = (PACKAGE / "report.xml").read_text(encoding="utf-8")
        mutated = text[:at] + insert + text[at:]
        try:
            build(_parse("900000101.xml", mutated.encode()), "900000101", [])
        except NcmecError as exc:
            self.assertTrue(exc.problems)


class ImportTests(IntelTestCase):
    def test_the_package_gives_an_immediate_band_and_the_children(self) -> None:
        result = import_ncmec(self.actor(), PACKAGE, channel=Channel.FILE)
        self.assertEqual((result.created, result.invalid), (1, 0), result.errors)
        referral = Referral.objects.get()
        self.assertEqual(referral.source_format, "ncmec-cybertipline")
        self.assertIn("<escalateToHighPriority>", referral.source)
        self.assertEqual(ReferralFile.objects.get(md5="5d41402abc4b2a76b9719d911017c592"
                                                  ).annotations, [])
        subject = Subject.objects.get()
        self.assertEqual((subject.band, subject.household_children, subject.status),
                         ("immediate", 1, SubjectStatus.NEW))
        children = {c.role: c for c in ChildAtRisk.objects.all()}
        self.assertEqual(set(children), {ChildRole.HOUSEHOLD, ChildRole.RECIPIENT})
        household = children[ChildRole.HOUSEHOLD]
        self.assertEqual((household.first_name, household.status),
                         ("Sam", ChildStatus.TO_REFER))  # the command line: a person refers
        self.assertEqual(household.social_care_due_at - referral.received_at,
                         timedelta(hours=24))
        recipient = children[ChildRole.RECIPIENT]
        self.assertEqual((recipient.screen_name, recipient.age, recipient.status),
                         ("star_example_399", 13, ChildStatus.TO_IDENTIFY))
        assessment = Assessment.objects.get()
        sources = {a["key"]: a["source"] for a in assessment.answers}
        self.assertEqual(sources["escalation"], "the report")
        self.assertEqual(sources["occupation_access"], "not yet asked")
        self.assertEqual(assessment.band, "immediate")
        # The score counts the band and the household child.
        from safeguard.web.intelligence.scoring.score import explain

        parts = {p.key: p for p in explain(subject, subject.last_seen_at).parts}
        self.assertEqual(parts["band"].value, 2)
        self.assertEqual(parts["access_to_children"].value, 1)
        self.assertIn("1 child at the subject's address", parts["access_to_children"].explanation)

    def test_a_child_subject_goes_to_the_safeguarding_route(self) -> None:
        result = import_ncmec(self.actor(), CHILD_SUBJECT, channel=Channel.FILE)
        self.assertEqual(result.created, 1, result.errors)
        subject = Subject.objects.get()
        self.assertTrue(subject.is_child)
        self.assertEqual(subject.status, SubjectStatus.SAFEGUARDING)
        self.assertTrue(any("safeguarding route" in n for n in result.notes))
        roles = sorted(ChildAtRisk.objects.values_list("role", flat=True))
        self.assertEqual(roles, [ChildRole.RECIPIENT, ChildRole.SUBJECT])

    def test_a_victim_named_never_grades_weeks(self) -> None:
        text = (PACKAGE / "report.xml").read_text(encoding="utf-8")
        # No escalation, the victim elsewhere: still "days", never "weeks".
        text = text.replace("<escalateToHighPriority>The reported user appears to have "
                            "ongoing contact with a child in the household."
                            "</escalateToHighPriority>", "")
        text = text.replace("<csamSolicitation>true", "<csamSolicitation>false")
        text = text.replace("<address>1 Example Street</address>\n        <city>Hanley</city>"
                            "\n        <zipCode>ST1 4AA</zipCode>\n        <country>GB</country>"
                            "\n      </address>\n      <age>9</age>",
                            "<address>9 Other Road</address>\n        <city>Stone</city>"
                            "\n        <zipCode>ST15 8AA</zipCode>\n        <country>GB"
                            "</country>\n      </address>\n      <age>9</age>")
        tmp = Path(tempfile.mkdtemp(prefix="ncmec-"))
        self.addCleanup(shutil.rmtree, tmp, True)
        _copy(tmp, "900000301.xml", text)
        result = import_ncmec(self.actor(), tmp / "900000301.xml", channel=Channel.FILE)
        self.assertEqual(result.created, 1, result.errors)
        subject = Subject.objects.get()
        self.assertEqual((subject.band, subject.household_children), ("days", 0))
        self.assertEqual(ChildAtRisk.objects.get(role=ChildRole.VICTIM).first_name, "Sam")

    def test_a_refused_report_leaves_nothing(self) -> None:
        tmp = Path(tempfile.mkdtemp(prefix="ncmec-"))
        self.addCleanup(shutil.rmtree, tmp, True)
        _copy(tmp, "900000401.xml", (PACKAGE / "report.xml").read_text().replace(
            "<platform>", "<platfrom>x</platfrom><platform>"))
        result = import_ncmec(self.actor(), tmp, channel=Channel.FILE)
        self.assertEqual((result.created, result.invalid), (0, 1))
        self.assertIn("platfrom", str(result.errors[0]))
        self.assertFalse(Referral.objects.exists())
