"""The engine is a library; the web app is its client (style.md, convention 1)."""

import subprocess
import sys


def test_the_engine_never_imports_django():
    code = (
        "import sys\n"
        "import safeguard.cli, safeguard.triage.pipeline, safeguard.triage.hashsets\n"
        "import safeguard.triage.evidence.tsk, safeguard.triage.evidence.ewf\n"
        "import safeguard.triage.reports\n"
        "bad = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_a_folder_triage_does_not_load_the_sleuth_kit():
    code = (
        "import sys\nimport safeguard.cli\nprint('pytsk3' in sys.modules, 'pyewf' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False False"


def test_a_triage_without_media_loads_no_media_library(tmp_path):
    """numba (the PDQ index) and PyAV cost a quarter of a second to import: a run over
    files that are neither pictures nor videos must not pay for them."""
    evidence = tmp_path / "evidence"
    evidence.mkdir()
    for i in range(3):
        (evidence / f"note-{i}.txt").write_text(f"benign text {i}\n" * 50)
    code = (
        "import sys\n"
        "from safeguard.cli import main\n"
        f"try:\n    main(['triage', {str(evidence)!r}, '--out', {str(tmp_path / 'out')!r},"
        " '--quiet'], standalone_mode=False)\n"
        "except SystemExit:\n    pass\n"
        "print('numba' in sys.modules, 'av' in sys.modules, 'PIL.Image' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "False False False"
    assert (tmp_path / "out" / "files.csv").exists()
