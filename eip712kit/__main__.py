"""``python -m eip712kit`` is the ``eip712kit`` command."""

from .cli import main

main()
