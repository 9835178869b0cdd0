"""The review's local rules: shipped defaults, a force's file, loud failures."""

from __future__ import annotations

from pathlib import Path

import pytest

from safeguard.web.env import SettingError
from safeguard.web.review import conf


def test_the_shipped_rules() -> None:
    rules = conf._build(conf.CONFIG.read(conf.SHIPPED))
    assert rules.graders_needed == 3
    assert rules.break_minutes == 20
    assert rules.vics_category_codes == {"A": 1, "B": 2, "C": 3}
    assert rules.max_media_bytes == 256 * 1024 * 1024
    assert rules.correction_roles == {"forensic_examiner"}
    assert rules.senior_roles == {"forensic_examiner"}


def test_a_forces_file_overrides_key_by_key(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    local = tmp_path / "review.toml"
    local.write_text("graders_needed = 2\n[vics_category_codes]\nA = 7\nB = 8\nC = 9\n")
    monkeypatch.setenv("SAFEGUARD_REVIEW_CONFIG", str(local))
    conf.CONFIG.clear()
    try:
        rules = conf._build(conf.CONFIG.from_files())
    finally:
        conf.CONFIG.clear()
    assert (rules.graders_needed, rules.break_minutes) == (2, 20)
    assert rules.vics_category_codes == {"A": 7, "B": 8, "C": 9}


@pytest.mark.parametrize("change, message", [
    ({"graders_needed": 0}, "graders_needed = 0"),
    ({"break_minutes": "20"}, "break_minutes = '20'"),
    ({"colour": True}, "unknown key(s) colour"),
    ({"vics_category_codes": {"A": -1}}, "negative"),
    ({"correction_roles": ["analyst"]}, "correction_roles = .'analyst'.: a list of"),
    ({"senior_roles": ["analyst"]}, "senior_roles = .'analyst'.: a list of"),
    ({"senior_roles": "forensic_examiner"}, "senior_roles = 'forensic_examiner': a list of"),
])
def test_a_bad_value_fails_loudly(change: dict, message: str) -> None:
    data = {**conf.CONFIG.read(conf.SHIPPED), **change}
    with pytest.raises(SettingError, match=message.replace("(", r"\(").replace(")", r"\)")):
        conf._build(data)


def test_an_unreadable_file_names_the_variable(tmp_path: Path) -> None:
    broken = tmp_path / "bad.toml"
    broken.write_text("graders_needed = [")
    with pytest.raises(SettingError, match="SAFEGUARD_REVIEW_CONFIG"):
        conf.CONFIG.read(broken)
