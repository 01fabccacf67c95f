"""What the tests share and need when a test module is imported: values, strategies, small servers.

A helper lives here when it is used at module level — a hypothesis strategy inside ``@given``, the
PUBLIC development keys in a ``parametrize`` list or a module constant, a reference function, a server
class entered with ``with`` — and is imported as ``from tests.helpers.<module> import <name>``. What has
setup, teardown or per-test state (the CLI runner, a verifier process, a development key handed to a
test) is a fixture in ``tests/conftest.py`` instead. A test module never imports another test module.
"""
