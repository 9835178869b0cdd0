"""Category schemes, the code-to-name map, and how raw values are normalised."""

from __future__ import annotations

import pytest

from safeguard.triage.errors import UsageError
from safeguard.triage.hashsets import SCHEMES, get_scheme, parse_category_map
from safeguard.triage.hashsets.categories import UK, US, CategoryMapper, check_category_map


def test_it_parses_a_category_map() -> None:
    assert parse_category_map(" 1=A, 2 = b ,3=C,") == {1: "A", 2: "b", 3: "C"}


@pytest.mark.parametrize("text", ["", "1", "A=1", "1=", "one=A", ","])
def test_it_refuses_a_malformed_map(text: str) -> None:
    with pytest.raises(UsageError):
        parse_category_map(text)


def test_names_are_checked_and_made_canonical_against_the_scheme() -> None:
    assert check_category_map({1: "a", 2: "Category B", 0: "Uncategorised"}, UK) == {
        1: "A",
        2: "B",
        0: "uncategorised",
    }
    with pytest.raises(UsageError, match="'D' is not a category of the uk scheme"):
        check_category_map({4: "D"}, UK)


def test_unknown_scheme_is_a_usage_error_naming_the_choices() -> None:
    with pytest.raises(UsageError, match="uk, us"):
        get_scheme("fr")
    assert set(SCHEMES) == {"uk", "us"}


def test_default_maps_are_the_documented_ones() -> None:
    assert dict(UK.default_map) == {0: "uncategorised", 1: "A", 2: "B", 3: "C"}
    assert [US.default_map[i] for i in range(5)] == [
        "non-pertinent",
        "child-abuse-material",
        "child-exploitive",
        "cgi-animation",
        "comparison",
    ]


def test_the_mapper_normalises_codes_letters_and_aliases() -> None:
    warnings: list[str] = []
    uk = CategoryMapper(UK, {3: "A"}, warnings.append)
    assert [uk(v) for v in (1, "2", 3, 2.0, "b", " cat. c ", None, "")] == [
        "A",
        "B",
        "A",
        "B",
        "B",
        "C",
        None,
        None,
    ]
    us = CategoryMapper(US, None, warnings.append)
    assert [us(v) for v in ("CAM", "CGI/Animation", "age difficult")] == [
        "child-abuse-material",
        "cgi-animation",
        "child-exploitive",
    ]
    assert warnings == []


def test_the_mapper_keeps_unknown_values_visibly_and_warns_once_each() -> None:
    warnings: list[str] = []
    uk = CategoryMapper(UK, None, warnings.append)
    assert [uk(9), uk(9), uk("Z"), uk(True)] == [
        "unmapped:9",
        "unmapped:9",
        "unmapped:Z",
        "unmapped:True",
    ]
    assert len(warnings) == 3
