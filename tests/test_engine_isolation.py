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
