"""The children's population file (statistics/population.py): the shipped file, a
replacement named by SAFEGUARD_CHILD_POPULATION, and a wrong file named with what is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from safeguard.web.statistics import population
from safeguard.web.statistics.population import PopulationError

GOOD = """title = "Children aged 0 to 17, mid-year estimates"
year = 2024
publisher = "Office for National Statistics"
licence = "Open Government Licence v3.0"

[[district]]
ons_code = "E06000021"
name = "Stoke-on-Trent"
children = 60000
source = "https://www.ons.gov.uk/example"
"""


def test_the_shipped_file_says_where_its_figures_come_from() -> None:
    table = population.load(population.SHIPPED)
    assert table.year == 2021
    assert "Open Government Licence" in table.licence
    assert table.publisher == "Office for National Statistics"
    # Only the districts whose figure was found and checked: never one typed from memory.
    assert table.by_code == {"E07000192": 20220, "E06000021": 58485}
    for district in table.districts:
        assert district.source.startswith("http")
    assert "Census 2021" in table.title


def test_a_newer_file_replaces_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "children.toml"
    path.write_text(GOOD, encoding="utf-8")
    monkeypatch.setenv(population.VARIABLE, str(path))
    table = population.children()
    assert table.by_code == {"E06000021": 60000}
    assert table.credit == ("Children aged 0 to 17, mid-year estimates; Office for "
                            "National Statistics; Open Government Licence v3.0.")
    monkeypatch.delenv(population.VARIABLE)
    assert population.children().path == population.SHIPPED


def test_a_missing_file_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(population.VARIABLE, str(tmp_path / "absent.toml"))
    with pytest.raises(PopulationError, match=r"SAFEGUARD_CHILD_POPULATION=.*no such file"):
        population.children()


@pytest.mark.parametrize(("change", "message"), [
    (('licence = "Open Government Licence v3.0"\n', ""), "no 'licence'"),
    (("year = 2024", 'year = "2024"'), "'year' must be a year"),
    (("children = 60000", "children = -3"), "E06000021.*whole number above 0"),
    (("children = 60000", "children = 600.5"), "whole number above 0"),
    (('ons_code = "E06000021"', 'ons_code = "Stoke"'), "not an ONS district code"),
    (('source = "https://www.ons.gov.uk/example"', 'source = ""'), "E06000021 source"),
    (('source = "https://www.ons.gov.uk/example"',
      'source = "x"\npeople = 5'), "unknown key 'people'"),
    (("[[district]]", "[[districts]]"), "no \\[\\[district\\]\\] entries"),
    (("title =", "title = = "), "cannot be read as TOML"),
])
def test_a_wrong_file_says_what_is_wrong(tmp_path: Path, change: tuple[str, str],
                                         message: str) -> None:
    path = tmp_path / "children.toml"
    assert change[0] in GOOD
    path.write_text(GOOD.replace(*change), encoding="utf-8")
    with pytest.raises(PopulationError, match=message) as raised:
        population.load(path)
    assert str(path) in str(raised.value)


def test_a_district_given_twice_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "children.toml"
    entry = GOOD[GOOD.index("[[district]]"):]
    path.write_text(GOOD + "\n" + entry, encoding="utf-8")
    with pytest.raises(PopulationError, match="district 2: E06000021 is given twice"):
        population.load(path)
