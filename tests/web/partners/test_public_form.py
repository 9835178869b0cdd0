"""The public concern form against good, bad and hostile input (no account)."""

from __future__ import annotations

from typing import Any

from django.test import Client, override_settings

from safeguard.web.audit.models import AuditEvent
from safeguard.web.partners import codes
from safeguard.web.partners.models import CodeStatus, ConcernReport

from .base import CODE, PartnersTestCase

URL = "/partners/report/"


def good(**fields: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "code": codes.grouped(CODE),
        "what_happened": "A girl who looked about 14 was picked up by an older man.",
        "when_seen": "Friday about 11pm", "where_seen": "Outside the rank",
        "people": "Girl about 14; man about 35 with a beard.",
        "vehicles": "Silver Astra, AB12 CDE", "reporter_name": "Jo O'Neill-Smith",
        "reporter_phone": "+44 1782 000 000", "may_contact": "on",
    }
    data.update(fields)
    return data


class PublicFormTests(PartnersTestCase):
    def test_it_opens_without_an_account(self) -> None:
        response = self.client.get(URL)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Tell the police what you saw")
        self.assertContains(response, "csrfmiddlewaretoken")
        self.assertNotContains(response, "Sign out")

    def test_a_valid_code_files_a_report_in_the_police_queue(self) -> None:
        response = self.client.post(URL, good())
        self.assertEqual(response.status_code, 303)
        self.assertEqual(response["Location"], f"{URL}?sent=1")
        report = ConcernReport.objects.get()
        self.assertEqual(report.business, self.business)
        self.assertEqual(report.code_status, CodeStatus.VALID)
        self.assertEqual(report.owning_agency, self.owner_agency)
        self.assertEqual(report.reporter_name, "Jo O'Neill-Smith")
        self.assertTrue(report.may_contact)
        self.access.refresh_from_db()
        self.assertIsNotNone(self.access.last_used_at)
        event = self.assertAudited("create", report)
        self.assertIsNone(event.actor)
        self.assertEqual(event.actor_username, "public concern form")
        thanks = self.client.get(response["Location"])
        self.assertContains(thanks, "Thank you")

    def test_a_typed_code_is_read_forgivingly(self) -> None:
        typed = " " + CODE.lower()[:5] + " " + CODE.lower()[5:] + " "
        self.assertEqual(self.client.post(URL, good(code=typed)).status_code, 303)
        self.assertEqual(ConcernReport.objects.get().code_status, CodeStatus.VALID)

    def test_a_wrong_code_gets_the_same_answer_and_is_kept_unverified(self) -> None:
        right = self.client.post(URL, good())
        wrong = Client().post(URL, good(code="ABCDE-FGHJK-MNPQR-STVWX-YZ012"))
        self.assertEqual((wrong.status_code, wrong["Location"]),
                         (right.status_code, right["Location"]))
        self.assertEqual(wrong.content, right.content)
        unknown = ConcernReport.objects.get(code_status=CodeStatus.UNKNOWN)
        self.assertIsNone(unknown.business)
        self.assertEqual(unknown.owning_agency, self.owner_agency)  # the force

    def test_a_revoked_code_gets_the_same_answer_and_is_marked(self) -> None:
        from django.utils import timezone

        self.access.revoked_at = timezone.now()
        self.access.save(update_fields=["revoked_at"])
        response = self.client.post(URL, good())
        self.assertEqual(response.status_code, 303)
        report = ConcernReport.objects.get()
        self.assertEqual((report.code_status, report.business), (CodeStatus.REVOKED,
                                                                 self.business))

    def test_it_reveals_nothing_the_platform_holds(self) -> None:
        for response in (self.client.get(f"{URL}?code={CODE}"),
                         self.client.post(URL, good(what_happened="short")),
                         self.client.get(f"{URL}?sent=1")):
            text = response.content.decode()
            for held in (self.business.name, self.business.licence_number, "Hanley",
                         self.business.get_sector_display()):
                self.assertNotIn(held, text)

    def test_a_link_puts_only_a_well_formed_code_back(self) -> None:
        self.assertContains(self.client.get(f"{URL}?code={CODE}"), codes.grouped(CODE))
        hostile = self.client.get(URL + '?code="><script>alert(1)</script>')
        self.assertNotContains(hostile, "<script>alert(1)")
        self.assertNotContains(hostile, "alert(1)")

    def test_a_missing_code_is_asked_for(self) -> None:
        response = self.client.post(URL, good(code=""))
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "Enter the access code from your card", status_code=400)
        self.assertFalse(ConcernReport.objects.exists())

    def test_a_malformed_code_is_refused(self) -> None:
        for code in ("12345", "K7QD9XMP2RTAH4WNC8VEB3FGJK7", "K7QD9XMP2RTAH4WNC8VEB3FG!"):
            response = self.client.post(URL, good(code=code))
            self.assertEqual(response.status_code, 400, code)
        self.assertFalse(ConcernReport.objects.exists())

    def test_script_tags_are_refused_and_never_echoed_as_markup(self) -> None:
        for field in ("what_happened", "where_seen", "people", "when_seen"):
            response = self.client.post(URL, good(**{field: "Seen <script>alert(1)</script>"}))
            self.assertEqual(response.status_code, 400, field)
            self.assertContains(response, "leave out the characters", status_code=400)
            self.assertNotContains(response, "<script>alert(1)", status_code=400)
        self.assertFalse(ConcernReport.objects.exists())

    def test_control_characters_are_refused(self) -> None:
        for text in ("Seen at the rank\x00 today", "Seen at the rank \u202e today"):
            response = self.client.post(URL, good(what_happened=text))
            self.assertEqual(response.status_code, 400)
        self.assertFalse(ConcernReport.objects.exists())

    def test_names_phones_and_vehicles_have_their_own_alphabets(self) -> None:
        for field, value in (("reporter_name", "Jo 1234"), ("reporter_phone", "call me"),
                             ("vehicles", "AB12 CDE && {x}"), ("reporter_name", "x_y")):
            self.assertEqual(self.client.post(URL, good(**{field: value})).status_code, 400,
                             (field, value))
        response = self.client.post(URL, good(reporter_phone="", may_contact="on"))
        self.assertContains(response, "Give a number", status_code=400)

    def test_over_long_fields_are_refused(self) -> None:
        for field, size in (("what_happened", 4001), ("where_seen", 301), ("people", 2001),
                            ("when_seen", 101), ("reporter_name", 101)):
            response = self.client.post(URL, good(**{field: "a" * size}))
            self.assertEqual(response.status_code, 400, field)
        self.assertFalse(ConcernReport.objects.exists())

    def test_an_oversized_body_is_refused_before_anything_else(self) -> None:
        response = self.client.post(URL, good(what_happened="a" * 70_000))
        self.assertEqual(response.status_code, 413)
        self.assertFalse(ConcernReport.objects.exists())

    def test_the_honeypot_catches_robots_silently(self) -> None:
        response = self.client.post(URL, good(website="http://spam.example"))
        self.assertEqual((response.status_code, response["Location"]), (303, f"{URL}?sent=1"))
        self.assertFalse(ConcernReport.objects.exists())

    def test_the_form_needs_its_csrf_token(self) -> None:
        strict = Client(enforce_csrf_checks=True)
        response = strict.post(URL, good())
        self.assertEqual(response.status_code, 403)
        self.assertFalse(ConcernReport.objects.exists())
        page = strict.get(URL)
        token = page.context["csrf_token"]
        response = strict.post(URL, {**good(), "csrfmiddlewaretoken": str(token)})
        self.assertEqual(response.status_code, 303)

    @override_settings(PARTNERS_RATE_LIMITS={"per_address": 3, "per_code": 100, "window": 3600})
    def test_it_limits_reports_from_one_address(self) -> None:
        for _ in range(3):
            self.assertEqual(self.client.post(URL, good(code="")).status_code, 400)
        response = self.client.post(URL, good())
        self.assertEqual(response.status_code, 429)
        self.assertGreater(int(response["Retry-After"]), 0)
        self.assertFalse(ConcernReport.objects.exists())
        other = self.client.post(URL, good(), REMOTE_ADDR="198.51.100.7")
        self.assertEqual(other.status_code, 303)

    @override_settings(PARTNERS_RATE_LIMITS={"per_address": 100, "per_code": 2, "window": 3600})
    def test_it_limits_reports_with_one_code(self) -> None:
        for number in range(2):
            response = self.client.post(URL, good(), REMOTE_ADDR=f"198.51.100.{number + 1}")
            self.assertEqual(response.status_code, 303)
        response = self.client.post(URL, good(code=CODE.lower()), REMOTE_ADDR="198.51.100.9")
        self.assertEqual(response.status_code, 429)
        self.assertEqual(ConcernReport.objects.count(), 2)

    @override_settings(PARTNERS_RATE_LIMITS={"per_address": 3, "per_code": 100,
                                             "window": 3600})
    def test_an_ipv6_client_is_counted_by_its_64(self) -> None:
        for host in range(3):
            response = self.client.post(URL, good(), REMOTE_ADDR=f"2001:db8:1:2::{host + 1}")
            self.assertEqual(response.status_code, 303)
        # Another address in the same /64 is the same customer: limited.
        response = self.client.post(URL, good(), REMOTE_ADDR="2001:db8:1:2:ffff::9")
        self.assertEqual(response.status_code, 429)
        # Another /64 is someone else.
        response = self.client.post(URL, good(), REMOTE_ADDR="2001:db8:1:3::1")
        self.assertEqual(response.status_code, 303)

    @override_settings(PARTNERS_RATE_LIMITS={"per_address": 100, "per_code": 100,
                                             "window": 3600, "unknown_codes": 2})
    def test_a_flood_of_unknown_codes_is_kept_but_held_out_of_the_queue(self) -> None:
        answers = []
        for number in range(4):
            code = codes.grouped(codes.new_code())
            answers.append(self.client.post(URL, good(code=code),
                                            REMOTE_ADDR=f"198.51.100.{number + 1}"))
        answers.append(self.client.post(URL, good()))  # a real card, during the flood
        # Every sender gets the same answer, and every report is kept.
        self.assertEqual({(a.status_code, a["Location"]) for a in answers},
                         {(303, f"{URL}?sent=1")})
        statuses = sorted(ConcernReport.objects.values_list("code_status", flat=True))
        self.assertEqual(statuses, ["held", "held", "unknown", "unknown", "valid"])
        self.login(self.alice)
        queue = self.client.get("/partners/concerns/")
        self.assertEqual(len(queue.context["page"]), 3)  # the held ones are not in it...
        held = self.client.get("/partners/concerns/?code=held")
        self.assertEqual(len(held.context["page"]), 2)  # ...but a filter away

    def test_only_get_and_post(self) -> None:
        self.assertEqual(self.client.put(URL).status_code, 405)

    def test_nothing_is_stored_without_a_police_agency(self) -> None:
        self.owner_agency.kind = "health"
        self.owner_agency.save(update_fields=["kind"])
        response = self.client.post(URL, good())
        self.assertEqual(response.status_code, 503)
        self.assertFalse(ConcernReport.objects.exists())
        self.assertFalse(AuditEvent.objects.filter(action="create").exists())
