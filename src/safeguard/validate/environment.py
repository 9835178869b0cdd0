"""What was validated, exactly: Safeguard's version and commit, every dependency's
version, Python, the operating system, the file system and image tools, the libraries the
engine reads images with, the CPU and memory, and when."""

from __future__ import annotations

import os
import platform
import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

from safeguard import TOOL_NAME, __version__

# Tools the validation runs, with the option that prints their version (Debian package).
TOOLS = {
    "fls": (["-V"], "sleuthkit"), "icat": (["-V"], "sleuthkit"), "mmls": (["-V"], "sleuthkit"),
    "ewfacquire": (["-V"], "ewf-tools"), "mkfs.vfat": (["--help"], "dosfstools"),
    "mcopy": (["--version"], "mtools"), "mke2fs": (["-V"], "e2fsprogs"),
    "debugfs": (["-V"], "e2fsprogs"), "mkfs.exfat": (["-V"], "exfatprogs"),
    "mkntfs": (["--version"], "ntfs-3g"), "sfdisk": (["--version"], "fdisk"),
    "qemu-img": (["--version"], "qemu-utils"), "cryptsetup": (["--version"], "cryptsetup-bin"),
    "genisoimage": (["--version"], "genisoimage"),
}
REPOSITORY = Path(__file__).resolve().parents[3]


def _run(args: list[str]) -> str:
    try:
        done = subprocess.run(args, capture_output=True, text=True, timeout=20, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"(not run: {exc})"
    lines = [line.strip() for line in (done.stdout + done.stderr).splitlines() if line.strip()]
    return lines[0] if lines else "(no output)"


def commit() -> dict[str, Any]:
    """The git commit of the checkout Safeguard runs from, and whether it has changes."""
    if not (REPOSITORY / ".git").exists():
        return {"commit": None, "modified": None, "note": "not run from a git checkout"}
    head = _run(["git", "-C", str(REPOSITORY), "rev-parse", "HEAD"])
    status = subprocess.run(["git", "-C", str(REPOSITORY), "status", "--porcelain",
                             "--untracked-files=no"], capture_output=True, text=True,
                            check=False).stdout
    return {"commit": head, "modified": bool(status.strip()),
            "note": "the working tree differs from the commit" if status.strip() else ""}


def dependencies() -> dict[str, str]:
    """Every package Safeguard requires, with the version installed."""
    found: dict[str, str] = {}
    for requirement in metadata.requires("safeguard") or []:
        if "extra ==" in requirement:
            continue
        name = re.split(r"[\s\[<>=!~;]", requirement, maxsplit=1)[0]
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "(not installed)"
    for name in ("pdqhash", "scikit-image", "weasyprint"):  # the validation's own
        try:
            found.setdefault(name, metadata.version(name))
        except metadata.PackageNotFoundError:
            found.setdefault(name, "(not installed)")
    return dict(sorted(found.items(), key=lambda kv: kv[0].lower()))


def libraries() -> dict[str, str]:
    """The C libraries the engine reads images through, as their bindings report them."""
    found = {}
    try:
        import pytsk3

        found["libtsk (pytsk3)"] = str(getattr(pytsk3, "TSK_VERSION_STR", "?"))
    except ImportError as exc:
        found["libtsk (pytsk3)"] = f"(not importable: {exc})"
    try:
        import pyewf

        found["libewf (pyewf)"] = str(pyewf.get_version())
    except ImportError as exc:
        found["libewf (pyewf)"] = f"(not importable: {exc})"
    return found


def operating_system() -> str:
    try:
        release = dict(line.split("=", 1) for line in
                       Path("/etc/os-release").read_text().splitlines() if "=" in line)
        name = release.get("PRETTY_NAME", "").strip('"')
    except OSError:
        name = ""
    return f"{name or platform.system()} (kernel {platform.release()}, {platform.machine()})"


def cpu() -> str:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{model or platform.processor() or 'unknown'}; {os.cpu_count()} logical CPUs"


def memory() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return "unknown"


def collect() -> dict[str, Any]:
    return {
        "tool": {"name": TOOL_NAME, "version": __version__, **commit()},
        "python": f"{platform.python_implementation()} {platform.python_version()} "
                  f"({sys.executable})",
        "os": operating_system(),
        "cpu": cpu(),
        "memory": memory(),
        "time_zone": _time_zone(),
        "dependencies": dependencies(),
        "libraries": libraries(),
        "tools": {name: f"{_run([name, *args])} (Debian package {package})"
                  for name, (args, package) in TOOLS.items()},
    }


def _time_zone() -> str:
    import time

    return f"{time.tzname[0]} (FAT times are read in this zone: docs/evidence.md)"
