"""What a triage's start-up imports: numpy costs about 0.07 s, paid by every run that
loads it, so a run of digests only over a plain folder (no hash sets, no pictures) must
never load it, in the coordinator or in its forked workers. And what the coordinator
imports before it forks its workers delays the first batch while a core waits: the report
writers load after the walk, the hash set formats and the other commands never.

Each check runs in a fresh interpreter: the test process has loaded everything already.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

import safeguard.triage
import safeguard.triage.hashsets

# Records every attempt to import numpy (the process and the importer's stack) in a file,
# and lets the import go on: the worker processes are forked, so they inherit the spy.
_SPY = """
import os, sys, traceback
class Spy:
    def find_spec(self, name, path=None, target=None):
        if name == "numpy":
            with open({marker!r}, "a") as out:
                out.write(f"process {{os.getpid()}}:\\n")
                traceback.print_stack(file=out)
        return None
sys.meta_path.insert(0, Spy())
"""


def _run(code: str, marker: Path) -> str:
    program = _SPY.format(marker=str(marker)) + code
    out = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True,
                         check=True)
    return out.stdout


def test_loading_the_command_line_loads_neither_numpy_nor_rich(tmp_path: Path) -> None:
    marker = tmp_path / "numpy-imports.txt"
    out = _run("import safeguard.cli\nprint('numpy' in sys.modules, 'rich' in sys.modules)\n",
               marker)
    assert not marker.exists(), marker.read_text()
    assert out.strip() == "False False"


def test_a_digests_only_triage_of_a_folder_never_loads_numpy(tmp_path: Path) -> None:
    evidence = tmp_path / "evidence"
    (evidence / "sub").mkdir(parents=True)
    for i in range(6):
        (evidence / f"note-{i}.txt").write_text(f"benign text {i}\n" * 40)
    (evidence / "sub" / "data.bin").write_bytes(bytes(range(256)) * 8)
    out_dir = tmp_path / "out"
    marker = tmp_path / "numpy-imports.txt"
    code = (
        "from safeguard.cli import main\n"
        f"try:\n    main(['triage', {str(evidence)!r}, '--digests', 'md5,sha1',"
        f" '--out', {str(out_dir)!r}, '--quiet'], standalone_mode=False)\n"
        "except SystemExit as exc:\n    print('exit', exc.code)\n"
        "print('numpy' in sys.modules)\n"
    )
    lines = _run(code, marker).strip().splitlines()
    assert not marker.exists(), marker.read_text()
    assert lines[-2:] == ["exit 0", "False"]
    assert (out_dir / "files.csv").exists()


# Needed only once the items are examined: the report writers and matching. Loading them
# before the workers are forked costs ~30 ms while a core waits (pipeline._report).
_AFTER_THE_WORKERS = (
    "safeguard.triage.reporting",
    "safeguard.triage.reports",
    "safeguard.triage.reports.csv_report",
    "safeguard.triage.matching",
    "safeguard.triage.results",
)
# Never needed by a digests-only run: the hash set formats and store (no set named), an
# item read again (the web's exhibits), the other commands' modules (cli/root.py).
_NEVER = (
    "safeguard.triage.hashsets.formats",
    "safeguard.triage.hashsets.store",
    "safeguard.triage.hashsets.handle",
    "safeguard.triage.evidence.fetch",
    "safeguard.cli.hashset",
    "safeguard.cli.serve",
    "safeguard.cli.web",
    "safeguard.cli.validate",
)


def test_loading_the_command_line_loads_neither_the_reports_nor_the_hash_set_formats(
        tmp_path: Path) -> None:
    code = ("import safeguard.cli\n"
            f"print(sorted(m for m in {_AFTER_THE_WORKERS + _NEVER!r} if m in sys.modules))\n")
    assert _run(code, tmp_path / "numpy-imports.txt").strip() == "[]"


def test_a_digests_only_triage_forks_its_workers_before_loading_the_reports(
        tmp_path: Path) -> None:
    evidence = tmp_path / "evidence"
    evidence.mkdir()
    for i in range(4):
        (evidence / f"note-{i}.txt").write_text(f"benign text {i}\n" * 40)
    out_dir = tmp_path / "out"
    # What is loaded when the worker processes are about to be forked, and at the end.
    code = (
        "from safeguard.triage import workers\n"
        "at_fork = []\n"
        "start = workers.LocalProcesses.__init__\n"
        "def spy(self, *args, **kwargs):\n"
        "    at_fork.append(set(sys.modules))\n"
        "    start(self, *args, **kwargs)\n"
        "workers.LocalProcesses.__init__ = spy\n"
        "from safeguard.cli import main\n"
        f"try:\n    main(['triage', {str(evidence)!r}, '--digests', 'md5,sha1',"
        f" '--out', {str(out_dir)!r}, '--quiet'], standalone_mode=False)\n"
        "except SystemExit as exc:\n    print('exit', exc.code)\n"
        f"print(len(at_fork), sorted(m for m in {_AFTER_THE_WORKERS + _NEVER!r}"
        " if m in at_fork[0]))\n"
        f"print(sorted(m for m in {_NEVER!r} if m in sys.modules))\n"
        f"print(sorted(m for m in {_AFTER_THE_WORKERS!r} if m in sys.modules))\n"
    )
    lines = _run(code, tmp_path / "numpy-imports.txt").strip().splitlines()
    assert lines[-4:] == ["exit 0", "1 []", "[]", str(sorted(_AFTER_THE_WORKERS))]
    assert (out_dir / "files.csv").exists()


@pytest.mark.parametrize("package", [safeguard.triage, safeguard.triage.hashsets])
def test_each_lazily_loaded_name_is_the_one_its_module_defines(package: ModuleType) -> None:
    """The packages load their names on first use (PEP 562): the table that says where
    each one is must name what mypy reads in their `if TYPE_CHECKING:` imports, and every
    public name must resolve."""
    tree = ast.parse(Path(str(package.__file__)).read_text(encoding="utf-8"))
    [block] = [node for node in tree.body if isinstance(node, ast.If)
               and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"]
    typed = {alias.name: "." * node.level + (node.module or "")
             for node in block.body if isinstance(node, ast.ImportFrom)
             for alias in node.names}
    assert typed == package._LAZY
    for name in package.__all__:
        assert getattr(package, name) is not None, name
        assert name in dir(package)
    with pytest.raises(AttributeError):
        package.no_such_name  # noqa: B018
