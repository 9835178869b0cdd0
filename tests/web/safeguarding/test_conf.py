"""The local settings: the shipped file, a force's own file, loud errors."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from django.test import override_settings

from safeguard.web.env import SettingError
from safeguard.web.safeguarding import conf


@pytest.fixture
def fresh(monkeypatch: pytest.MonkeyPatch) -> None:
    conf.CONFIG.clear()
    yield
    conf.CONFIG.clear()


def test_the_shipped_rules(fresh: None) -> None:
    rules = conf.local_rules()
    assert (rules.risk_review_months, rules.notice_review_months) == (3, 6)
    assert (rules.repeat_missing_episodes, rules.repeat_missing_days) == (3, 90)
    assert [code for code, _ in rules.police_risk_grades] == [
        "no_apparent_risk", "low", "medium", "high"]
    assert len(rules.areas) == 9
    assert rules.working.is_holiday(date(2023, 5, 8))        # the coronation
    assert not rules.working.is_holiday(date(2022, 5, 30))    # moved to 2 June


def test_a_forces_own_file_replaces_keys(fresh: None, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    local = tmp_path / "rules.toml"
    local.write_text('risk_review_months = 2\n[[areas]]\nname = "Northtown"\n'
                     'ons_code = "E99999999"\ntowns = ["Northtown"]\n')
    monkeypatch.setenv("SAFEGUARD_SAFEGUARDING_CONFIG", str(local))
    rules = conf.local_rules()
    assert rules.risk_review_months == 2
    assert rules.notice_review_months == 6
    assert [a.name for a in rules.areas] == ["Northtown"]


def test_a_forces_bank_holidays_lie_on_the_package(fresh: None, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    # The coronation repeats a date the package has (as local.toml once shipped it); the
    # other two are a force's own move of the 2027 spring holiday.
    local = tmp_path / "rules.toml"
    local.write_text("moved_bank_holidays = [2027-05-31]\n"
                     '[[extra_bank_holidays]]\ndate = 2023-05-08\nname = "Coronation"\n'
                     '[[extra_bank_holidays]]\ndate = 2027-06-04\nname = "Spring (moved)"\n')
    monkeypatch.setenv("SAFEGUARD_SAFEGUARDING_CONFIG", str(local))
    working = conf.local_rules().working
    assert working.is_holiday(date(2023, 5, 8))
    assert working.is_holiday(date(2027, 6, 4))
    assert not working.is_holiday(date(2027, 5, 31))
    assert working.is_holiday(date(2022, 9, 19))               # the package's, untouched
    assert working.add_working_days(date(2023, 5, 5), 1) == date(2023, 5, 9)


@pytest.mark.parametrize(("text", "message"), [
    ("risk_review_months = 0\n", "risk_review_months=0"),
    ("risk_review_months = 'three'\n", "risk_review_months='three'"),
    ("[[police_risk_grades]]\ncode = 'a'\nlabel = 'A'\n[[police_risk_grades]]\ncode = 'a'\n"
     "label = 'B'\n", "codes must be unique"),
    ("this is not toml", "not valid TOML"),
    ("risk_review_month = 2\n", "unknown key\\(s\\) risk_review_month"),
])
def test_a_bad_file_is_refused_loudly(fresh: None, tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch, text: str,
                                      message: str) -> None:
    local = tmp_path / "rules.toml"
    local.write_text(text)
    monkeypatch.setenv("SAFEGUARD_SAFEGUARDING_CONFIG", str(local))
    with pytest.raises(SettingError, match=message):
        conf.local_rules()


def test_a_missing_file_is_refused(fresh: None, tmp_path: Path,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SAFEGUARD_SAFEGUARDING_CONFIG", str(tmp_path / "nowhere.toml"))
    with pytest.raises(SettingError, match="cannot read"):
        conf.local_rules()


def test_tests_override_through_a_django_setting(fresh: None) -> None:
    with override_settings(SAFEGUARDING_OVERRIDES={"repeat_missing_days": 30}):
        assert conf.local_rules().repeat_missing_days == 30
    assert conf.local_rules().repeat_missing_days == 90
