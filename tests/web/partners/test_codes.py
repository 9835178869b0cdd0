"""Access codes: the alphabet, forgiving reading, the stored digest."""

from __future__ import annotations

import hashlib

from safeguard.web.partners import codes


def test_a_new_code_is_25_characters_of_the_alphabet() -> None:
    made = {codes.new_code() for _ in range(200)}
    assert len(made) == 200
    for code in made:
        assert len(code) == codes.LENGTH
        assert set(code) <= set(codes.ALPHABET)
        assert codes.normalise(code) == code


def test_it_reads_what_people_type() -> None:
    code = "K7QD9XMP2RTAH4WNC8VEB3FGJ"
    assert codes.normalise("k7qd9-xmp2r-tah4w-nc8ve-b3fgj") == code
    assert codes.normalise("  K7QD9 XMP2R TAH4W NC8VE B3FGJ ") == code
    # Crockford: O is read as 0, I and L as 1.
    assert codes.normalise("O" + code[1:]) == "0" + code[1:]
    assert codes.normalise("I" + code[1:]) == "1" + code[1:]
    assert codes.normalise("l" + code[1:]) == "1" + code[1:]


def test_it_refuses_what_cannot_be_a_code() -> None:
    for typed in ("", "K7QD9", "K7QD9XMP2RTAH4WNC8VEB3FGJX", "U" * 25,
                  "<script>alert(1)</script>", "K7QD9XMP2RTAH4WNC8VEB3FG!", "x" * 10_000):
        assert codes.normalise(typed) is None, typed


def test_only_a_digest_is_kept() -> None:
    code = "K7QD9XMP2RTAH4WNC8VEB3FGJ"
    assert codes.digest(code) == hashlib.sha256(code.encode()).hexdigest()
    assert codes.grouped(code) == "K7QD9-XMP2R-TAH4W-NC8VE-B3FGJ"
