"""The duplicate check's comparison (matching.py): what makes two records one child, and
the near misses that must stay two (twins, two NHS numbers, an identifier alone)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from safeguard.web.safeguarding.matching import (
    Identity,
    block_keys,
    compare,
    dob_variants,
    nhs_number_valid,
    record_keys,
    swapped,
)

AVA = Identity(first_name="William", last_name="Hartley", date_of_birth=date(2012, 4, 7),
               gender="male", address="12 Mill Lane, Leek ST13 5AB")


def test_the_same_details_match() -> None:
    found = compare(AVA, AVA)
    assert found is not None
    assert "the same date of birth" in found.reasons
    assert "the same address" in found.reasons


@pytest.mark.parametrize("first", ["Bill", "Will", "Billy", "Willie"])
def test_a_nickname_matches(first: str) -> None:
    found = compare(replace(AVA, first_name=first), AVA)
    assert found is not None and "first name: nickname" in found.reasons


def test_known_as_is_compared_too() -> None:
    assert compare(replace(AVA, first_name="Liam", known_as="Will"), AVA) is not None


@pytest.mark.parametrize("first,last", [("Wiliam", "Hartley"), ("William", "Hartely"),
                                        ("Willaim", "Hartley"), ("William", "Harltey")])
def test_a_typing_slip_matches(first: str, last: str) -> None:
    found = compare(replace(AVA, first_name=first, last_name=last), AVA)
    assert found is not None
    assert any("close spelling" in reason for reason in found.reasons)


def test_day_and_month_swapped_match() -> None:
    found = compare(replace(AVA, date_of_birth=date(2012, 7, 4)), AVA)
    assert found is not None
    assert "the date of birth with day and month swapped" in found.reasons


def test_a_moved_address_still_matches_without_the_address_reason() -> None:
    found = compare(replace(AVA, address="Flat 3, 1 Station Road, Stafford ST16 2AA"), AVA)
    assert found is not None and "the same address" not in found.reasons


def test_another_date_of_birth_does_not_match() -> None:
    assert compare(replace(AVA, date_of_birth=date(2012, 4, 8)), AVA) is None
    assert compare(replace(AVA, date_of_birth=date(2013, 4, 7)), AVA) is None


def test_twins_stay_two_children() -> None:
    twin = replace(AVA, first_name="Thomas")
    assert compare(twin, AVA) is None
    # A twin of another sex, even with a close name.
    assert compare(replace(AVA, first_name="Wilma", gender="female"), AVA) is None


def test_a_short_name_one_letter_away_is_another_child() -> None:
    amy = Identity(first_name="Amy", last_name="Cole", date_of_birth=date(2012, 1, 20))
    assert compare(replace(amy, first_name="Ava"), amy) is None


def test_the_same_nhs_number_is_the_same_child() -> None:
    other = replace(AVA, first_name="Liam", last_name="Hartley-Moss", nhs_number="9434765919",
                    address="")
    found = compare(other, replace(AVA, nhs_number="943 476 5919"))
    assert found is not None and found.identifier
    assert found.reasons == ("the same NHS number",)


def test_two_nhs_numbers_are_two_children() -> None:
    assert compare(replace(AVA, nhs_number="9434765919"),
                   replace(AVA, nhs_number="4010232137")) is None


def test_an_identifier_alone_does_not_make_one_child() -> None:
    """A number typed into the wrong record (a sibling's) must not merge two children."""
    stranger = Identity(first_name="Grace", last_name="Okafor", date_of_birth=date(2010, 9, 30),
                        upn="A123456789012")
    assert compare(stranger, replace(AVA, upn="A123456789012")) is None


def test_reasons_never_quote_the_other_record() -> None:
    stored = replace(AVA, first_name="Wilhelmina", known_as="Billie", gender="")
    found = compare(replace(AVA, first_name="Bill", gender=""), stored)
    assert found is not None
    text = " ".join(found.reasons).lower()
    for value in ("wilhelmina", "billie", "hartley", "mill lane", "2012"):
        assert value not in text


def test_swapped_dates() -> None:
    assert swapped(date(2012, 4, 7)) == date(2012, 7, 4)
    assert swapped(date(2012, 4, 13)) is None  # no 13th month
    assert swapped(date(2012, 5, 5)) is None   # the same date
    assert dob_variants(date(2012, 4, 7)) == [date(2012, 4, 7), date(2012, 7, 4)]


def test_blocking_keys_reach_a_swapped_record() -> None:
    stored = replace(AVA, date_of_birth=date(2012, 7, 4))
    assert block_keys(AVA) & record_keys(stored)
    assert not block_keys(AVA) & record_keys(replace(AVA, date_of_birth=date(2012, 7, 5)))


@pytest.mark.parametrize("number,valid", [("9434765919", True), ("943 476 5919", True),
                                          ("9434765918", False), ("123", False),
                                          ("4010232137", True), ("1000000010", False)])
def test_nhs_number_check_digit(number: str, valid: bool) -> None:
    assert nhs_number_valid(number) is valid


def test_synthetic_nhs_numbers_are_well_formed_and_distinct() -> None:
    from safeguard.web.safeguarding.matching import synthetic_nhs_number

    made = [synthetic_nhs_number(900_000_000 + 7 * n) for n in range(500)]
    assert all(nhs_number_valid(number) for number in made)
    assert len(set(made)) == len(made)
