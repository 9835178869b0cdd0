"""POST /api/intelligence/referrals: bearer tokens, refusals, limits, audit."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client, override_settings
from django.utils import timezone

from safeguard.web.audit.models import AuditEvent
from safeguard.web.intelligence.models import ApiToken, Referral, new_token, token_digest

from .helpers import A_FILES, IntelTestCase, referral

URL = "/api/intelligence/referrals"


class ApiTests(IntelTestCase):
    def setUp(self) -> None:
        self.token, prefix, digest = new_token()
        self.record = ApiToken.objects.create(owning_agency=self.owner_agency, name="Feed",
                                              prefix=prefix, digest=digest,
                                              created_by=self.alice)
        # A browser-like client that enforces CSRF: the API must not need it.
        self.api = Client(enforce_csrf_checks=True)

    def post(self, body: Any, token: str | None = None, **headers: Any) -> Any:
        if token is not None:
            headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"
        data = body if isinstance(body, str | bytes) else json.dumps(body)
        return self.api.post(URL, data=data, content_type=headers.pop(
            "content_type", "application/json"), **headers)

    def test_it_takes_in_a_referral(self) -> None:
        response = self.post(referral("R1", email="a@example.org", md5s=[A_FILES[0]]),
                             self.token)
        self.assertEqual(response.status_code, 201, response.content)
        found = Referral.objects.get()
        self.assertEqual(response.json(), {"status": "created", "id": found.pk,
                                           "report_id": "R1"})
        self.assertEqual((found.channel, found.token, found.owning_agency),
                         ("api", self.record, self.owner_agency))
        event = self.assertAudited("create", found, channel="api")
        self.assertEqual(event.actor_username, f"api token Feed ({self.record.prefix})")
        self.assertEqual(event.agency, self.owner_agency)
        self.record.refresh_from_db()
        self.assertIsNotNone(self.record.last_used_at)

    def test_sending_it_again_is_harmless(self) -> None:
        self.post(referral("R1"), self.token)
        response = self.post(referral("R1"), self.token)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["status"], "duplicate")
        self.assertEqual(Referral.objects.count(), 1)

    def test_without_a_token_it_is_401(self) -> None:
        response = self.post(referral())
        self.assertEqual(response.status_code, 401)
        self.assertEqual(response["WWW-Authenticate"], 'Bearer realm="safeguard"')
        event = AuditEvent.objects.filter(action="access_denied").last()
        assert event is not None
        self.assertEqual((event.details["status"], event.actor_username),
                         (401, "api (no valid token)"))

    def test_with_a_wrong_token_it_is_401(self) -> None:
        response = self.post(referral(), self.token[:-2] + "xx")
        self.assertEqual(response.status_code, 401)
        self.assertIn('error="invalid_token"', response["WWW-Authenticate"])
        response = self.post(referral(), "", HTTP_AUTHORIZATION=f"Basic {self.token}")
        self.assertEqual(response.status_code, 401)
        self.assertFalse(Referral.objects.exists())

    def test_with_a_revoked_token_it_is_401(self) -> None:
        self.record.revoked_at = timezone.now()
        self.record.save()
        response = self.post(referral(), self.token)
        self.assertEqual(response.status_code, 401)
        self.assertIn("revoked", response["WWW-Authenticate"])
        self.assertAudited("access_denied", self.record, status=401,
                           reason="the token was revoked")

    def test_a_token_of_an_inactive_agency_is_403(self) -> None:
        self.owner_agency.active = False
        self.owner_agency.save()
        self.assertEqual(self.post(referral(), self.token).status_code, 403)

    def test_only_the_digest_is_kept(self) -> None:
        self.assertEqual(self.record.digest, token_digest(self.token))
        self.assertNotIn(self.token, json.dumps(list(ApiToken.objects.values()), default=str))
        self.assertTrue(self.token.startswith(f"sgi_{self.record.prefix}_"))

    def test_a_referral_that_is_not_valid_is_400_naming_each_field(self) -> None:
        document = referral(md5s=["abc"])
        del document["incident"]
        response = self.post(document, self.token)
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json()["errors"], [
            {"field": "incident", "message": "required"},
            {"field": "files[0].md5", "message": "expected 32 hexadecimal characters"},
        ])
        self.assertAudited("access_denied", self.record, status=400)

    def test_a_body_that_is_not_json_is_400_and_other_types_415(self) -> None:
        response = self.post("{not json", self.token)
        self.assertEqual(response.status_code, 400)
        self.assertIn("not JSON", response.json()["errors"][0]["message"])
        response = self.post("report_id=1", self.token, content_type="text/plain")
        self.assertEqual(response.status_code, 415)

    @override_settings(INTELLIGENCE_OVERRIDES={"api_max_bytes": 2048})
    def test_a_body_too_large_is_413(self) -> None:
        response = self.post(referral(description="x" * 3000), self.token)
        self.assertEqual(response.status_code, 413)

    @override_settings(INTELLIGENCE_OVERRIDES={"api_requests_per_minute": 2})
    def test_it_limits_the_rate_per_token(self) -> None:
        self.assertEqual(self.post(referral("R1"), self.token).status_code, 201)
        self.assertEqual(self.post(referral("R2"), self.token).status_code, 201)
        response = self.post(referral("R3"), self.token)
        self.assertEqual(response.status_code, 429)
        self.assertTrue(1 <= int(response["Retry-After"]) <= 60)
        self.assertAudited("access_denied", self.record, status=429)

    def test_only_post(self) -> None:
        response = self.api.get(URL, HTTP_AUTHORIZATION=f"Bearer {self.token}")
        self.assertEqual((response.status_code, response["Allow"]), (405, "POST"))

    def test_the_rest_of_the_site_still_wants_a_session(self) -> None:
        response = self.api.get("/intelligence/", HTTP_AUTHORIZATION=f"Bearer {self.token}")
        self.assertEqual(response.status_code, 302)
        self.assertIn("/accounts/login/", response["Location"])


class TokenPageTests(IntelTestCase):
    def test_a_supervisor_makes_a_token_shown_once(self) -> None:
        self.set_role(self.alice, "supervisor")
        self.login(self.alice)
        response = self.client.post("/intelligence/tokens/", {"name": "National feed"})
        self.assertEqual(response.status_code, 201)
        made = ApiToken.objects.get()
        shown = response.context["shown"]
        self.assertEqual(made.digest, token_digest(shown))
        self.assertContains(response, shown, status_code=201)
        self.assertAudited("create", made, actor=self.alice, prefix=made.prefix)
        page = self.client.get("/intelligence/tokens/")
        self.assertNotContains(page, shown)
        self.client.post(f"/intelligence/tokens/{made.pk}/revoke/")
        made.refresh_from_db()
        self.assertIsNotNone(made.revoked_at)
        self.assertAudited("update", made, actor=self.alice, revoked=True)
        self.assertEqual(Client().post(URL, data="{}", content_type="application/json",
                                       HTTP_AUTHORIZATION=f"Bearer {shown}").status_code, 401)
