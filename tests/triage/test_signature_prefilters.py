"""The quick rejections in front of the signature tables (filetypes.sniff, formats.identify,
the mail check of embedded.recognise) never turn away a file that the table names: each
answer is compared with the same function's answer with its quick rejection switched off,
on bytes with a signature planted at its offset and on bytes with none."""

from __future__ import annotations

from unittest import mock

from hypothesis import given
from hypothesis import strategies as st

from safeguard.triage import embedded, filetypes
from safeguard.triage.evidence import formats


class _Everything:
    """A set that holds every value: the quick rejection of sniff then lets all through."""

    def __contains__(self, _item: object) -> bool:
        return True


def _planted(noise: bytes, offset: int, magic: bytes) -> bytes:
    head = bytearray(noise.ljust(offset + len(magic), b"\x00"))
    head[offset:offset + len(magic)] = magic
    return bytes(head)


def _sniff_in_full(head: bytes):
    with mock.patch.object(filetypes, "_STARTS", _Everything()):
        return filetypes.sniff(head)


def _identify_in_full(head: bytes):
    with mock.patch.object(formats, "_may_match", lambda _head: True):
        return formats.identify(head)


@given(st.sampled_from(filetypes._MAGIC), st.binary(max_size=600))
def test_sniff_names_every_planted_magic(entry, noise):
    offset, magic, _file_type, _mime = entry
    head = _planted(noise, offset, magic)
    assert filetypes.sniff(head) == _sniff_in_full(head)
    assert filetypes.sniff(head)[0] is not filetypes.FileType.OTHER


@given(st.binary(max_size=600))
def test_sniff_agrees_with_the_full_table_on_any_bytes(head):
    assert filetypes.sniff(head) == _sniff_in_full(head)


@given(st.sampled_from(formats._AT_OFFSET), st.binary(max_size=2048))
def test_identify_agrees_with_the_full_table_on_every_planted_signature(entry, noise):
    offset, magic, _name, _kind = entry
    head = _planted(noise, offset, magic)
    assert formats._may_match(head)
    assert formats.identify(head) == _identify_in_full(head)


@given(st.binary(max_size=2048))
def test_identify_agrees_with_the_full_table_on_any_bytes(head):
    assert formats.identify(head) == _identify_in_full(head)


def test_planted_signatures_are_named():
    assert formats.identify(_planted(b"", 0, b"KDMV")).name == "VMDK"
    assert formats.identify(_planted(bytes(8), 0, b"QFI\xfb\x00\x00\x00\x03")).name == "QCOW2"
    assert formats.identify(_planted(bytes(600), 536, b"LVM2 001")).name == "LVM2"
    assert formats.identify(bytes(4096)) is None


@given(st.binary(min_size=1, max_size=512))
def test_a_message_never_starts_with_an_unprintable_byte(head):
    # The mail check's quick rejection: a first byte outside printable ASCII is neither a
    # header's name nor mbox's "From " line.
    if not 33 <= head[0] <= 126:
        assert embedded._mail_kind(head) is None
    assert embedded._mail_kind(b"From: a\nTo: b\n" + head) == embedded.EML
