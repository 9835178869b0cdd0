"""Age-aware screening (tool format 2): the age rules at their boundaries, thresholds by
age, the v1 tool's unsafe grade kept as the case the rule exists for, and tool files
that cannot be used refused with the part named."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.test import SimpleTestCase, override_settings

from safeguard.web.safeguarding.models import RiskAssessment, ScreeningTool
from safeguard.web.safeguarding.reference import TOOLS, load_screening_tool
from safeguard.web.safeguarding.rules import Grade
from safeguard.web.safeguarding.screening import (
    AgeRange,
    ToolError,
    ToolSpec,
    parse_bands,
    parse_rules,
)

from .base import NOW, RegisterTestCase, make_child

V2 = TOOLS / "cse-screening-v2.toml"


def spec_of(slug: str, version: int) -> ToolSpec:
    return ScreeningTool.objects.get(slug=slug, version=version).spec()


class AgeRangeTests(SimpleTestCase):
    def test_the_ends(self) -> None:
        under_13 = AgeRange(None, 13)
        self.assertEqual([under_13.covers(a) for a in (0, 12, 13)], [True, True, False])
        teens = AgeRange(13, 16)
        self.assertEqual([teens.covers(a) for a in (12, 13, 15, 16)], [False, True, True, False])
        self.assertEqual(teens.describe(), "13 to 15")


class ToolPartsTests(SimpleTestCase):
    def test_a_rule_must_name_known_codes_a_grade_an_action_and_a_source(self) -> None:
        good = {"code": "r", "text": "t", "age_under": 13, "any_of": ["a"],
                "minimum_grade": "high", "action": "act", "source": "PG42"}
        self.assertEqual(parse_rules([good], ["a"])[0].minimum_grade, Grade.HIGH)
        for change, message in (({"any_of": ["zz"]}, "lacks: zz"), ({"any_of": []}, "at least"),
                                ({"minimum_grade": "severe"}, "minimum_grade"),
                                ({"source": " "}, "source is required"),
                                ({"age_from": 13, "age_under": 13}, "above age_from")):
            with self.subTest(change=change), self.assertRaisesRegex(ToolError, message):
                parse_rules([{**good, **change}], ["a"])

    def test_bands_may_not_overlap(self) -> None:
        band = {"low_from": 1, "medium_from": 2, "high_from": 3}
        parse_bands([{**band, "age_under": 13}, {**band, "age_from": 13}])
        with self.assertRaisesRegex(ToolError, "overlap"):
            parse_bands([{**band, "age_under": 14}, {**band, "age_from": 13}])
        with self.assertRaisesRegex(ToolError, "thresholds must rise"):
            parse_bands([{"low_from": 3, "medium_from": 2, "high_from": 1}])


@override_settings(SAFEGUARDING_NOW=NOW)
class ShippedToolTests(RegisterTestCase):
    def test_the_v1_tool_graded_an_under_13_with_an_sti_low_and_v2_grades_high(self) -> None:
        # The unsafe case of the domain review: score 3 is "Low" on the v1 thresholds.
        self.assertEqual(spec_of("cse-screening", 1).screen(12, ["sti-pregnancy"]).grade,
                         Grade.LOW)
        screening = spec_of("cse-screening", 2).screen(12, ["sti-pregnancy"])
        self.assertEqual((screening.grade, screening.minimum), (Grade.HIGH, Grade.HIGH))
        self.assertIn("strategy discussion now", screening.required_action)

    def test_the_age_rules_at_12_13_15_and_16(self) -> None:
        spec = spec_of("cse-screening", 2)
        cases = {12: Grade.HIGH, 13: Grade.MEDIUM, 15: Grade.MEDIUM, 16: Grade.LOW}
        for age, grade in cases.items():
            with self.subTest(age=age):
                self.assertEqual(spec.screen(age, ["sexual-activity"]).grade, grade)
        # Without a sexual-activity indicator no rule applies at any age.
        self.assertEqual(spec.screen(12, ["self-harm"]).rules, ())

    def test_a_rule_raises_a_grade_and_never_lowers_one(self) -> None:
        spec = spec_of("cse-screening", 2)
        many = ["going-missing", "older-person-controlling", "cars-unknown-adults",
                "sexual-activity"]  # 12: High by score alone at 14
        screening = spec.screen(14, many)
        self.assertEqual((screening.score_grade, screening.grade), (Grade.HIGH, Grade.HIGH))

    def test_younger_children_are_graded_at_lower_scores(self) -> None:
        spec = spec_of("cse-screening", 2)
        self.assertEqual(spec.screen(12, ["going-missing", "self-harm"]).grade, Grade.MEDIUM)
        self.assertEqual(spec.screen(13, ["going-missing", "self-harm"]).grade, Grade.LOW)

    def test_the_cce_tool_escalates_debt_bondage_at_any_age(self) -> None:
        spec = spec_of("cce-screening", 1)
        for age in (12, 17):
            with self.subTest(age=age):
                screening = spec.screen(age, ["debt-bondage"])
                self.assertEqual(screening.grade, Grade.HIGH)
                self.assertIn("National Referral Mechanism", screening.required_action)
        self.assertEqual(spec.screen(12, ["weapons"]).grade, Grade.HIGH)
        self.assertEqual(spec.screen(13, ["weapons"]).grade, Grade.LOW)

    def test_only_the_newest_version_is_offered(self) -> None:
        active = set(ScreeningTool.objects.filter(active=True).values_list("slug", "version"))
        self.assertEqual(active, {("cse-screening", 2), ("cce-screening", 1)})

    def test_a_tool_file_that_cannot_be_used_is_refused_naming_the_part(self) -> None:
        text = V2.read_text().replace("version = 2", "version = 9")
        for old, new, message in (
            ('any_of = ["sexual-activity", "sti-pregnancy"]', 'any_of = ["sex"]', "lacks: sex"),
            ("format = 2", "format = 1", "need format = 2"),
            ("format = 2", "format = 3", "format 3"),
            ('suggested_by = ["placement-residential"]', 'suggested_by = ["horoscope"]',
             "unknown facts horoscope"),
        ):
            with self.subTest(new=new):
                path = Path(tempfile.mkdtemp()) / "tool.toml"
                path.write_text(text.replace(old, new, 1))
                with self.assertRaisesRegex(ImproperlyConfigured, message):
                    load_screening_tool(path)
        self.assertFalse(ScreeningTool.objects.filter(version=9).exists())


@override_settings(SAFEGUARDING_NOW=NOW)
class AgeRuleFormTests(RegisterTestCase):
    """Through the page: the age on the day completed, the rule kept on the assessment,
    an override above the floor allowed and below it refused."""

    def screen(self, child_pk: int, **data: object) -> object:
        return self.client.post(f"/safeguarding/children/{child_pk}/risk/new/",
                                {"completed_on": "2026-03-03", **data})

    def test_the_age_on_the_day_completed_decides(self) -> None:
        # 13 on 3 March 2026: under 13 the day before.
        child = make_child(self.owner_agency, first_name="Birthday",
                           date_of_birth=date(2013, 3, 3))
        self.login(self.alice)
        self.screen(child.pk, indicators=["sexual-activity"], completed_on="2026-03-02")
        before = RiskAssessment.objects.latest("pk")
        self.screen(child.pk, indicators=["sexual-activity"])
        on_the_day = RiskAssessment.objects.latest("pk")
        self.assertEqual((before.age_at_screening, before.grade), (12, "high"))
        self.assertEqual((on_the_day.age_at_screening, on_the_day.grade), (13, "medium"))
        self.assertEqual(before.rules_applied[0]["code"], "under-13-sexual-activity")
        self.assertIn("PG42", before.rules_applied[0]["source"])
        self.assertAudited(self.create_action(), before, rules_applied=[
            "under-13-sexual-activity"])

    def test_an_override_may_raise_the_grade_but_not_go_below_the_rule(self) -> None:
        child = make_child(self.owner_agency, first_name="Fourteen")  # 14
        self.login(self.alice)
        response = self.screen(child.pk, indicators=["sti-pregnancy"], override_grade="low",
                               override_reason="The infection was treated last year.")
        self.assertContains(response, "not lower it below the rule", status_code=400)
        self.screen(child.pk, indicators=["sti-pregnancy"], override_grade="high",
                    override_reason="Disclosed contact with an adult this week.")
        assessment = RiskAssessment.objects.get(child=child)
        self.assertEqual((assessment.calculated_grade, assessment.grade), ("medium", "high"))
        self.assertIn("a child under 16 cannot consent", assessment.required_action)

    def test_a_date_before_birth_or_in_the_future_is_refused(self) -> None:
        self.login(self.alice)
        self.assertContains(self.screen(self.child.pk, completed_on="2010-01-01"),
                            "was not born on that date", status_code=400)
        self.assertContains(self.screen(self.child.pk, completed_on="2026-03-04"),
                            "in the future", status_code=400)

    def create_action(self) -> str:
        from safeguard.web.audit.models import Action

        return Action.CREATE
