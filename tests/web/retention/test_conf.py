"""The schedule's settings: the shipped file, a force's own file, loud refusals."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test import override_settings

from safeguard.web.env import SettingError
from safeguard.web.retention import conf


@pytest.fixture
def fresh() -> Iterator[None]:
    conf.CONFIG.clear()
    yield
    conf.CONFIG.clear()


def use_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    local = tmp_path / "retention.toml"
    local.write_text(text)
    monkeypatch.setenv("SAFEGUARD_RETENTION_CONFIG", str(local))


def test_the_shipped_schedule(fresh: None) -> None:
    schedule = conf.retention_schedule()
    assert (schedule.child.adult_age, schedule.child.review_years) == (18, 6)
    assert schedule.concern_report.review_years == 2
    subject = schedule.intelligence_subject
    assert [subject.years_for(group) for group in (1, 2, 3)] == [10, 10, 6]
    assert subject.group1_when == ("investigation", "category_a", "linked_child")
    assert (schedule.reason_min_length, schedule.longest_retain_years) == (20, 10)


def test_a_forces_file_replaces_keys_and_whole_tables(fresh: None, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    use_file(tmp_path, monkeypatch, "reason_min_length = 40\n"
                                    "[concern_report]\nreview_years = 3\n")
    schedule = conf.retention_schedule()
    assert schedule.reason_min_length == 40
    assert schedule.concern_report.review_years == 3
    assert schedule.child.review_years == 6  # untouched table: the shipped one


@pytest.mark.parametrize(("text", "message"), [
    ("reason_min_lenght = 30\n", r"unknown key\(s\) reason_min_lenght"),
    ("[child]\nadult_age = 18\nreview_yeers = 6\n", r"unknown key\(s\) child.review_yeers"),
    ("[child]\nadult_age = 18\n", r"child.review_years: missing"),
    ("[child]\nadult_age = 18\nreview_years = 0\n", r"child.review_years=0"),
    ("[child]\nadult_age = 18\nreview_years = '6'\n", r"child.review_years='6'"),
    ("[concern_report]\nreview_years = 60\n", r"concern_report.review_years=60: .* 1 to 30"),
    ("child = 6\n", r"\[child\]: missing or not a table"),
    ("[intelligence_subject]\ngroup1_review_years = 10\ngroup2_review_years = 10\n"
     "group3_review_years = 6\ngroup1_when = ['category_b']\ngroup2_when = []\n",
     r"intelligence_subject.group1_when: unknown condition\(s\) category_b"),
    ("this is not toml", "not valid TOML"),
])
def test_a_malformed_file_is_refused_naming_the_key(fresh: None, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch,
                                                    text: str, message: str) -> None:
    use_file(tmp_path, monkeypatch, text)
    with pytest.raises(SettingError, match=message):
        conf.retention_schedule()


def test_a_missing_file_is_refused(fresh: None, tmp_path: Path,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SAFEGUARD_RETENTION_CONFIG", str(tmp_path / "nowhere.toml"))
    with pytest.raises(SettingError, match="SAFEGUARD_RETENTION_CONFIG: cannot read"):
        conf.retention_schedule()


def test_tests_override_through_a_django_setting(fresh: None) -> None:
    with override_settings(RETENTION_OVERRIDES={"longest_retain_years": 5}):
        assert conf.retention_schedule().longest_retain_years == 5
    with override_settings(RETENTION_OVERRIDES={"longest_retain_years": True}), \
            pytest.raises(SettingError, match="longest_retain_years=True"):
        conf.retention_schedule()
    assert conf.retention_schedule().longest_retain_years == 10
