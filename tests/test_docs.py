"""The error-code page is generated from the catalogue and must not drift from it."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_error_code_page_is_current() -> None:
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "gen_error_docs.py"), "--check"],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
