#!/usr/bin/env bash
# Print the path of a CPython 3.10 on this machine (the oldest Python eip712kit supports), or nothing and exit 1.
# Looked for as $PYTHON310, then python3.10 on PATH, then pyenv's versions. Used by .ci/run (the test suite on
# the oldest supported Python) and tools/others/install.sh (libraries that run on 3.10 at the newest).
set -uo pipefail
for candidate in "${PYTHON310:-}" python3.10 "$(ls -d /root/.pyenv/versions/3.10.*/bin/python 2>/dev/null | tail -1)" \
                 "$(command -v pyenv >/dev/null 2>&1 && pyenv root 2>/dev/null)/versions/3.10/bin/python"; do
  if [ -n "$candidate" ] && "$candidate" -c 'import sys; assert sys.version_info[:2] == (3, 10)' 2>/dev/null; then
    command -v "$candidate" 2>/dev/null || echo "$candidate"
    exit 0
  fi
done
exit 1
