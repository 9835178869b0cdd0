"""A synthetic Cellebrite UFDR, following the publicly documented shape of report.xml
(what open readers such as IPED's UfedXmlReader and UFDR2DIR parse): a zip holding
report.xml (namespace http://pa.cellebrite.com/report/2.0, root `project`) whose
`<taggedFiles>` list each `<file>` with its file system, device path, id and deleted
state, its times under `<accessInfo>`, and the zip member holding its content as the
`Local Path` item (Windows separators, as the Reader writes them). No real data: the
pictures are the package's synthetic ones."""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path

from safeguard.demo.media import picture_bytes

FS = "Apple iOS File System"
# device path: (local path in the zip or "" when not extracted, deleted state, content)
FILES = {
    "/private/var/mobile/Media/DCIM/100APPLE/IMG_0001.JPG":
        ("files\\Image\\IMG_0001.JPG", "Intact", picture_bytes(21)),
    "/private/var/mobile/Media/DCIM/100APPLE/IMG_0002.JPG":
        ("files\\Image\\IMG_0002.JPG", "Deleted", picture_bytes(22)),
    "/private/var/mobile/Containers/Data/Application/notes.txt":
        ("files\\Text\\notes.txt", "Intact", b"synthetic note\n"),
    "/private/var/mobile/Media/DCIM/100APPLE/IMG_0003.JPG": ("", "Deleted", b""),
}
# A member of the zip that report.xml does not describe.
UNDESCRIBED = ("files/Other/untagged.bin", b"not in the report\n")
MODIFIED = "2024-03-01T10:00:00.000+00:00"


def _file_element(number: int, path: str, local: str, state: str, data: bytes) -> str:
    items = f'<item name="Local Path"><![CDATA[{local}]]></item>' if local else ""
    if data:
        items += (f'<item name="SHA256"><![CDATA[{hashlib.sha256(data).hexdigest()}]]></item>'
                  f'<item name="MD5"><![CDATA[{hashlib.md5(data).hexdigest()}]]></item>')
    return (f'<file fs="{FS}" fsid="fs-1" path="{path}" size="{len(data)}" id="file-{number}" '
            f'extractionId="0" deleted="{state}" embedded="false" isrelated="False">'
            '<accessInfo>'
            f'<timestamp name="CreationTime" format="TimeStampKnown">{MODIFIED}</timestamp>'
            f'<timestamp name="ModifyTime" format="TimeStampKnown">{MODIFIED}</timestamp>'
            '</accessInfo>'
            f'<metadata section="File">{items}<item name="Tags"><![CDATA[Image]]></item>'
            '</metadata><metadata section="MetaData" /></file>')


def report_xml() -> str:
    files = "".join(_file_element(n, path, *spec) for n, (path, spec) in
                    enumerate(FILES.items(), start=1))
    return ('<?xml version="1.0" encoding="utf-8"?>'
            '<project id="synthetic" name="Synthetic phone" reportVersion="7.0.0.0" '
            'containerVersion="1.0" xmlns="http://pa.cellebrite.com/report/2.0">'
            '<sourceExtractions><extractionInfo id="0" name="File System" type="FileSystem" '
            'deviceName="Synthetic phone" /></sourceExtractions>'
            f'<taggedFiles>{files}</taggedFiles></project>')


def build_ufdr(path: Path) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("report.xml", report_xml())
        for local, _state, data in FILES.values():
            if local:
                archive.writestr(local.replace("\\", "/"), data)
        archive.writestr(*UNDESCRIBED)
    return path
