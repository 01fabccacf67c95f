"""The protocols' declared structs, domains, request builders and rules.

* :mod:`eip712kit.protocols.sera` — Sera (orders, intents, cancels, withdrawals, API keys);
* :mod:`eip712kit.protocols.renance` — Renance / XBlade Vault (login, orders, cancels);
* :mod:`eip712kit.protocols.alura` — Alura (the personal_sign login challenge);
* the machinery they share: :mod:`~eip712kit.protocols.struct` (the declared :class:`Struct`, a
  facade over the core's schema), :mod:`~eip712kit.protocols.windows` (signed-timestamp windows)
  and :mod:`~eip712kit.protocols.requests` (request shapes). :class:`~eip712kit.core.domain.Domain`
  is the core's.

Everything here is pure: no I/O and no clock (server time is always a parameter).
"""

from ..core.domain import Domain
from .requests import HttpRequest, Prepared
from .struct import Struct

__all__ = ["Domain", "HttpRequest", "Prepared", "Struct"]
