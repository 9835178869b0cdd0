"""Where file-sharing programs keep what they offer to others: the folders behind the
court figure "in a shared location".

A file found in one of these folders was where a file-sharing program shares files
(eMule shares its Incoming and Temp folders whatever the user chooses; LimeWire has its
Shared folder, Ares and Kazaa "My Shared Folder") or where a program that seeds what it
downloads keeps its downloads. That is a finding about the device. It is not the hash
set's IsDistributed flag, which says only that a picture is known to circulate, not what
this suspect did with it (the report keeps the two apart: docs/report-format.md).

    folders = SharedFolders(DEFAULT_PATTERNS)
    folders.holds(record.address)      # True for /Users/x/Downloads/eMule/Incoming/a.jpg

A pattern is a folder path, "eMule/Incoming", compared component by component, ignoring
case; "*" stands for any one component (a user name). A file is in the folder when the
pattern's components appear next to each other, in order, anywhere in the file's path on
the device, with the file somewhere below them. A member of an archive is where its
outermost archive is: a zip in eMule's Incoming folder is shared, members and all, while
a folder called "Incoming" inside a zip is not a program's folder on the device.

The defaults are the programs' own default folders on Windows, macOS and Linux. Programs
that download into the user's general Downloads folder by default (qBittorrent,
Transmission and Deluge on most systems; recent uTorrent) cannot be told apart from a web
browser by the path alone, so only their own folders are listed: an examiner who finds a
client configured to another folder (its settings file says where) adds that folder to
the run (`--shared-folder`, TriageOptions.shared_folders).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .errors import UsageError
from .records import Address

WILDCARD = "*"


@dataclass(frozen=True, slots=True)
class SharedFolder:
    """One default folder: which program, where, and what it holds."""

    program: str
    folder: str  # the pattern
    systems: str  # Windows, macOS, Linux
    holds: str


# Compiled from the programs' documentation and source, and forensic write-ups of them
# (docs/report-format.md, "In a shared location"). Order: the table in the docs.
DEFAULT_SHARED_FOLDERS: tuple[SharedFolder, ...] = (
    # eDonkey / Kad. eMule's Incoming and Temp folders are always shared (its help: "Your
    # Incoming and Temporary directory are always shared"); they sit in the program folder,
    # or in %LOCALAPPDATA%\eMule on Vista and later, or under Downloads\eMule.
    SharedFolder("eMule", "eMule/Incoming", "Windows", "completed downloads, shared"),
    SharedFolder("eMule", "eMule/Temp", "Windows", "downloads in progress (.part), shared"),
    SharedFolder("aMule", ".aMule/Incoming", "Linux", "completed downloads, shared"),
    SharedFolder("aMule", ".aMule/Temp", "Linux", "downloads in progress, shared"),
    SharedFolder("aMule", "aMule/Incoming", "macOS", "completed downloads, shared "
                 "(~/Library/Application Support/aMule)"),
    SharedFolder("aMule", "aMule/Temp", "macOS", "downloads in progress, shared"),
    # Gnutella / G2 / eDonkey / BitTorrent: in the program folder, or per user.
    SharedFolder("Shareaza", "Shareaza/Downloads", "Windows", "completed downloads, shared"),
    SharedFolder("Shareaza", "Shareaza/Incomplete", "Windows",
                 "downloads in progress, shared (partials are shared by default)"),
    # BitTorrent clients seed what they download. Their own folders (settings, .torrent
    # copies, and the downloads where no other folder was chosen).
    SharedFolder("uTorrent", "AppData/Roaming/uTorrent", "Windows",
                 "the client's folder: .torrent files, and downloads where none was chosen"),
    SharedFolder("uTorrent", "Application Support/uTorrent", "macOS", "the client's folder"),
    SharedFolder("BitTorrent", "AppData/Roaming/BitTorrent", "Windows", "the client's folder"),
    SharedFolder("qBittorrent", ".local/share/qBittorrent", "Linux",
                 "the client's data folder (BT_backup: the torrents it serves)"),
    SharedFolder("qBittorrent", ".local/share/data/qBittorrent", "Linux",
                 "the same, before qBittorrent 4"),
    SharedFolder("qBittorrent", "AppData/Local/qBittorrent", "Windows",
                 "the client's data folder"),
    SharedFolder("qBittorrent", "Application Support/qBittorrent", "macOS",
                 "the client's data folder"),
    SharedFolder("Transmission", ".config/transmission", "Linux", "the client's folder"),
    SharedFolder("Transmission", ".config/transmission-daemon", "Linux",
                 "the daemon's folder"),
    SharedFolder("Transmission", "transmission-daemon/downloads", "Linux",
                 "the daemon's downloads (/var/lib/transmission-daemon/downloads)"),
    SharedFolder("Transmission", "Application Support/Transmission", "macOS",
                 "the client's folder"),
    SharedFolder("Transmission", "AppData/Local/transmission", "Windows",
                 "the client's folder"),
    SharedFolder("Deluge", ".config/deluge", "Linux, macOS", "the client's folder"),
    SharedFolder("Deluge", "AppData/Roaming/deluge", "Windows", "the client's folder"),
    SharedFolder("Deluge", "deluged/Downloads", "Linux",
                 "the daemon's downloads (/var/lib/deluged/Downloads)"),
    SharedFolder("Vuze", "Vuze Downloads", "Windows, macOS", "completed downloads"),
    SharedFolder("Vuze", "Azureus Downloads", "Windows, macOS",
                 "completed downloads (Vuze's earlier name)"),
    # Ares Galaxy (and Kazaa before it): downloads land in the shared folder.
    SharedFolder("Ares, Kazaa", "My Shared Folder", "Windows", "downloads, shared"),
    # Gnutella: LimeWire 4 kept Shared and Incomplete in the user's folder (Windows XP:
    # Documents and Settings\<user>); LimeWire 5 and FrostWire under their own folder.
    SharedFolder("LimeWire", "Documents and Settings/*/Shared", "Windows (XP)",
                 "completed downloads, shared"),
    SharedFolder("LimeWire", "Documents and Settings/*/Incomplete", "Windows (XP)",
                 "downloads in progress, shared"),
    SharedFolder("LimeWire", "LimeWire/Shared", "Windows, macOS, Linux",
                 "completed downloads, shared"),
    SharedFolder("LimeWire", "LimeWire/Saved", "Windows, macOS, Linux",
                 "completed downloads (LimeWire 5), shared"),
    SharedFolder("LimeWire", "LimeWire/Incomplete", "Windows, macOS, Linux",
                 "downloads in progress"),
    SharedFolder("FrostWire", "FrostWire/Shared", "Windows, macOS, Linux",
                 "completed downloads, shared"),
    SharedFolder("FrostWire", "FrostWire/Saved", "Windows, macOS, Linux",
                 "completed downloads"),
    SharedFolder("FrostWire", "FrostWire/Incomplete", "Windows, macOS, Linux",
                 "downloads in progress"),
    SharedFolder("FrostWire", "FrostWire/Torrent Data", "Windows, macOS, Linux",
                 "BitTorrent downloads (FrostWire 5 and later), seeded"),
    # Freenet: what the node has fetched for its user ("downloads" in its folder:
    # ~/Freenet on Linux, %LOCALAPPDATA%\Freenet on Windows, /Applications/Freenet).
    SharedFolder("Freenet", "Freenet/downloads", "Windows, macOS, Linux",
                 "completed downloads"),
)

DEFAULT_PATTERNS: tuple[str, ...] = tuple(entry.folder for entry in DEFAULT_SHARED_FOLDERS)

Pattern = tuple[str, ...]


def _parts(path: str, separators: str = "/") -> list[str]:
    for separator in separators[1:]:
        path = path.replace(separator, separators[0])
    return [part for part in path.split(separators[0]) if part]


def parse_pattern(text: str) -> Pattern:
    """A folder pattern as its case-folded components; "\\" separates as "/" does, so a
    Windows path can be pasted as it is. A pattern of "*" alone would match everything."""
    parts = tuple(part.casefold() for part in _parts(text.strip(), "/\\"))
    if not parts or all(part == WILDCARD for part in parts):
        raise UsageError(f"shared folder {text!r}: give a folder name, e.g. eMule/Incoming")
    return parts


def device_path(address: Address) -> str:
    """Where the file is on the device: a member of an archive is where its outermost
    archive is."""
    return address.archive[0] if address.archive else address.path


class SharedFolders:
    """The folders of a run, ready to test millions of paths: patterns are indexed by
    their first named component, so each component of a path costs one lookup."""

    def __init__(self, patterns: Iterable[str]) -> None:
        self.patterns: tuple[str, ...] = tuple(patterns)
        self._by_first: dict[str, list[Pattern]] = {}
        self._wild_first: list[tuple[int, Pattern]] = []  # (wildcards before a name, ...)
        for text in self.patterns:
            parsed = parse_pattern(text)
            lead = next(i for i, part in enumerate(parsed) if part != WILDCARD)
            if lead:
                self._wild_first.append((lead, parsed))
            else:
                self._by_first.setdefault(parsed[0], []).append(parsed)

    def holds(self, address: Address) -> bool:
        """Whether the file at `address` lies below one of the folders."""
        # Case-folded once for the whole path: this runs for every record of a run.
        parts = [part for part in device_path(address).casefold().split("/") if part]
        folders = len(parts) - 1  # the last component is the file itself
        by_first, wild_first = self._by_first, self._wild_first
        for start in range(folders):
            for pattern in by_first.get(parts[start], ()):
                if _matches(parts, start, pattern, folders):
                    return True
            for lead, pattern in wild_first:
                if start >= lead and _matches(parts, start - lead, pattern, folders):
                    return True
        return False


def _matches(parts: list[str], start: int, pattern: Pattern, folders: int) -> bool:
    if start + len(pattern) > folders:
        return False
    return all(want in (WILDCARD, parts[start + i]) for i, want in enumerate(pattern))


def shared_folders(options: Mapping[str, Any]) -> SharedFolders:
    """The run's folders from `options["shared_folders"]` (a list of patterns), else the
    defaults; a malformed list is a usage error before any record is read."""
    raw = options.get("shared_folders")
    if raw is None:
        return SharedFolders(DEFAULT_PATTERNS)
    if isinstance(raw, str) or not isinstance(raw, Iterable):
        raise UsageError("shared_folders must be a list of folder patterns")
    patterns = list(raw)
    if any(not isinstance(pattern, str) for pattern in patterns):
        raise UsageError("shared_folders must be a list of folder patterns (text)")
    return SharedFolders(patterns)
