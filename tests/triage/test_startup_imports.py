"""What a triage's start-up imports: numpy costs about 0.07 s, paid by every run that
loads it, so a run of digests only over a plain folder (no hash sets, no pictures) must
never load it, in the coordinator or in its forked workers.

Each check runs in a fresh interpreter: the test process has loaded everything already.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

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
