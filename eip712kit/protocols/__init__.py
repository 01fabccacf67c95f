"""The protocols' declared structs, domains, request builders and rules.

* :mod:`eip712kit.protocols.sera` — Sera (orders, intents, cancels, withdrawals, API keys);
* :mod:`eip712kit.protocols.renance` — Renance / XBlade Vault (login, orders, cancels);
* :mod:`eip712kit.protocols.alura` — Alura (the personal_sign login challenge);
* :mod:`eip712kit.protocols.base` — the shared :class:`Struct` base, :class:`Domain` and request shapes.

Everything here is pure: no I/O and no clock (server time is always a parameter).
"""

from .base import Domain, HttpRequest, Prepared, Struct

__all__ = ["Domain", "HttpRequest", "Prepared", "Struct"]
