#!/usr/bin/env python3
"""Regenerate the golden vectors in ``vectors/`` (or ``--check`` them): the entry script CI calls.

    python tools/gen_vectors.py              # write vectors/*.json
    python tools/gen_vectors.py --out DIR    # write elsewhere (the determinism test does)
    python tools/gen_vectors.py --check      # exit 1 if vectors/ differs from a fresh generation

The generators are the package ``tools/vectorgen/``, one module per suite.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tools.vectorgen.writer import main

if __name__ == "__main__":
    sys.exit(main())
