#!/usr/bin/env python3
"""Run the benchmark from a checkout: ``python tools/bench.py [--quick] [--json]`` (see eip712kit/bench.py)."""

import sys

from eip712kit.bench import main

if __name__ == "__main__":
    sys.exit(main())
