#!/usr/bin/env bash
# Install the other libraries of this folder: the npm ones exactly as package-lock.json records them, the PyPI
# ones exactly as requirements.txt pins them, in tools/others/.venv. Exit 0 when both are there; 1 when they
# cannot be (no CPython 3.10, no npm), with the reason.
#
# The Python libraries date from 2019-2020 and run on CPython 3.10 at the newest: py-eth-sig-utils 0.4 needs
# eth-abi < 4 (encode_single), whose parser (parsimonious 0.8) uses inspect.getargspec, gone in 3.11; and
# eip712-structs 1.1 declares pysha3, whose C extension does not build on 3.11. requirements.txt is a complete
# pin (pip freeze of a working install), installed with --no-deps so that nothing newer slips in.
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v npm >/dev/null 2>&1; then
  echo "install.sh: npm is not installed" >&2; exit 1
fi
npm ci --no-audit --no-fund --loglevel=error

python310="$(../python310.sh || true)"
if [ -z "$python310" ]; then
  echo "install.sh: no CPython 3.10 found (set PYTHON310=/path/to/python3.10): the Python libraries need it" >&2
  exit 1
fi
if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c 'import sys; assert sys.version_info[:2] == (3, 10)' 2>/dev/null; then
  rm -rf .venv
  "$python310" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet --no-deps -r requirements.txt
.venv/bin/python -m pip check
echo "install.sh: tools/others ready ($(.venv/bin/python --version), node $(node --version))"
