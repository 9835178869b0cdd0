"""New activity on decided subjects: seen again after "no further action" or a referral
to another force, a subject goes back on the queue, flagged, audited; the next decision
clears the flag; what was observed before the decision reopens nothing."""

from __future__ import annotations

from datetime import UTC, datetime

from django.test import override_settings

from safeguard.web.intelligence.models import Decision, Subject, SubjectStatus

from .helpers import A_FILES, B_FILES, IntelTestCase, referral, sighting

DECIDED = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def seen(at: str, md5: str) -> dict[str, str]:
    """A peer ID (it links whenever seen, unlike an address: linking.py)."""
    return sighting(at, "peer-20", md5, kind="client_id", network="ExampleP2P")


class ReopeningTests(IntelTestCase):
    def setUp(self) -> None:
        self.sightings([seen("2026-03-01T10:00:00Z", A_FILES[0])])
        self.subject = Subject.objects.get(links__value="examplep2p:peer-20")

    def decide(self, kind: str, status: str) -> None:
        decision = Decision.objects.create(subject=self.subject, kind=kind, reason="Test",
                                           score=self.subject.score, decided_by=self.dora)
        Decision.objects.filter(pk=decision.pk).update(decided_at=DECIDED)
        Subject.objects.filter(pk=self.subject.pk).update(status=status)

    def test_a_sighting_after_no_further_action_puts_the_subject_back(self) -> None:
        self.decide("nfa", SubjectStatus.NO_FURTHER_ACTION)
        result = self.sightings([seen("2026-03-03T09:00:00Z", B_FILES[1])])
        self.assertEqual(result.reopened, 1)
        self.subject.refresh_from_db()
        self.assertEqual((self.subject.status, self.subject.reopened_from),
                         (SubjectStatus.NEW, SubjectStatus.NO_FURTHER_ACTION))
        self.assertIsNotNone(self.subject.reopened_at)
        self.assertAudited("update", self.subject, reopened_from="nfa", decision="nfa",
                           decided_at=DECIDED.isoformat(),
                           seen_at="2026-03-03T09:00:00+00:00")

    def test_what_was_seen_before_the_decision_reopens_nothing(self) -> None:
        self.decide("nfa", SubjectStatus.NO_FURTHER_ACTION)
        # A late import of an observation older than the decision.
        result = self.sightings([seen("2026-03-01T20:00:00Z", B_FILES[2])])
        self.assertEqual(result.reopened, 0)
        self.subject.refresh_from_db()
        self.assertEqual(self.subject.status, SubjectStatus.NO_FURTHER_ACTION)
        self.assertEqual(self.subject.sighting_count, 2)

    def test_a_referral_after_a_referral_elsewhere_puts_it_back(self) -> None:
        self.take_in(referral("R-FIRST", time="2026-03-01T08:00:00Z", email="v@example.org",
                              md5s=[A_FILES[3]]))
        self.subject = Subject.objects.get(links__value="v@example.org")
        self.decide("refer", SubjectStatus.REFERRED)
        outcome = self.take_in(referral("R-AGAIN", time="2026-03-03T08:00:00Z",
                                        email="v@example.org", md5s=[A_FILES[4]]))
        self.assertEqual(outcome.reopened, [self.subject.pk])
        self.subject.refresh_from_db()
        self.assertEqual((self.subject.status, self.subject.reopened_from),
                         (SubjectStatus.NEW, SubjectStatus.REFERRED))
        self.assertAudited("create", outcome.referral, reopened=[self.subject.label])

    def test_the_local_rule_can_keep_decided_subjects_off_the_queue(self) -> None:
        self.decide("nfa", SubjectStatus.NO_FURTHER_ACTION)
        with override_settings(INTELLIGENCE_OVERRIDES={"reopen_on_new_activity": ["referred"]}):
            result = self.sightings([seen("2026-03-03T09:00:00Z", B_FILES[1])])
        self.assertEqual(result.reopened, 0)
        self.subject.refresh_from_db()
        self.assertEqual(self.subject.status, SubjectStatus.NO_FURTHER_ACTION)

    def test_an_investigation_is_never_reopened(self) -> None:
        self.decide("investigation", SubjectStatus.INVESTIGATION)
        self.sightings([seen("2026-03-03T09:00:00Z", B_FILES[1])])
        self.subject.refresh_from_db()
        self.assertEqual(self.subject.status, SubjectStatus.INVESTIGATION)

    def test_the_queue_flags_it_and_the_next_decision_clears_the_flag(self) -> None:
        self.decide("nfa", SubjectStatus.NO_FURTHER_ACTION)
        self.sightings([seen("2026-03-03T09:00:00Z", B_FILES[1])])
        self.login(self.dora)
        response = self.client.get("/intelligence/?status=reopened")
        self.assertContains(response, self.subject.label)
        self.assertContains(response, "seen again after: No further action")
        self.justify(self.subject)
        url = f"/intelligence/subjects/{self.subject.pk}/"
        self.assertContains(self.client.get(url), 'id="reopened"')
        response = self.client.post(url + "decide/", {"kind": "develop",
                                                      "reason": "Active again: develop."})
        self.assertRedirects(response, url, fetch_redirect_response=False)
        self.subject.refresh_from_db()
        self.assertEqual((self.subject.status, self.subject.reopened_at,
                          self.subject.reopened_from), (SubjectStatus.DEVELOPING, None, ""))
        self.assertNotContains(self.client.get("/intelligence/?status=reopened"),
                               self.subject.label)
        self.assertNotContains(self.client.get(url), 'id="reopened"')

    def test_a_bad_local_rule_is_refused_by_name(self) -> None:
        from safeguard.web.env import SettingError
        from safeguard.web.intelligence.conf import intel_rules

        with (override_settings(INTELLIGENCE_OVERRIDES={"reopen_on_new_activity": ["develop"]}),
              self.assertRaisesMessage(SettingError, "reopen_on_new_activity")):
            intel_rules()
