import io
import tarfile
import zipfile

import pytest

from safeguard.demo.media import encode, synthetic_picture
from safeguard.triage.filetypes import sniff
from safeguard.triage.records import FileType


@pytest.mark.parametrize(
    ("fmt", "mime"),
    [
        ("JPEG", "image/jpeg"),
        ("PNG", "image/png"),
        ("GIF", "image/gif"),
        ("BMP", "image/bmp"),
        ("WEBP", "image/webp"),
        ("TIFF", "image/tiff"),
    ],
)
def test_it_recognises_images_by_content(fmt, mime):
    data = encode(synthetic_picture(1, (32, 32)), fmt)
    assert sniff(data[:512]) == (FileType.IMAGE, mime)


def test_it_recognises_archives():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("a.txt", "hello")
    assert sniff(buf.getvalue()[:512]) == (FileType.ARCHIVE, "application/zip")
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as t:
        info = tarfile.TarInfo("a.txt")
        info.size = 5
        t.addfile(info, io.BytesIO(b"hello"))
    assert sniff(buf.getvalue()[:512]) == (FileType.ARCHIVE, "application/x-tar")


@pytest.mark.parametrize(
    ("head", "mime"),
    [
        (b"\x00\x00\x00\x18ftypmp42" + bytes(100), "video/mp4"),
        (b"\x00\x00\x00\x14ftypqt  " + bytes(100), "video/quicktime"),
        (b"\x00\x00\x00\x14ftyp3gp4" + bytes(100), "video/3gpp"),
        (b"RIFF\x00\x00\x00\x00AVI LIST", "video/x-msvideo"),
        (b"\x1a\x45\xdf\xa3" + bytes(20), "video/x-matroska"),
        (b"\x30\x26\xb2\x75\x8e\x66\xcf\x11" + bytes(20), "video/x-ms-asf"),
    ],
)
def test_it_recognises_video_containers(head, mime):
    assert sniff(head) == (FileType.VIDEO, mime)


def test_it_ignores_the_extension_and_handles_empty_and_text():
    assert sniff(b"") == (FileType.EMPTY, "")
    assert sniff(b"just some text") == (FileType.OTHER, "")
    assert sniff(b"\x00\x00\x00\x18ftypheic" + bytes(10)) == (FileType.IMAGE, "image/heif")
