"""The sera_order suite: the Sera order builder, its amounts recomputed with plain Decimal arithmetic."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from eip712kit.protocols import sera

from .common import (
    ADDR_A,
    ADDR_B,
    DEV0,
    DEV1,
    ETH_ACCOUNT,
    EURC,
    KEYS,
    SEED_ORDER_ID,
    SEED_UUID_INT,
    SERVER_NOW,
    USDC,
    WETH,
    GenerationError,
    doc_of,
    seed_standalone,
    seed_vl,
)
from .references import agree, eth_account_typed
from .suite import Suite

EURC_T = {"address": EURC, "decimals": 6, "symbol": "EURC"}
USDC_T = {"address": USDC, "decimals": 6, "symbol": "USDC"}
WETH_T = {"address": WETH, "decimals": 18, "symbol": "WETH"}
EXPIRATION = SERVER_NOW + 86400
V4_VARIANT_B = "00000000-0000-4000-b000-000000000001"
"""A version-4 UUID at the other end of the RFC 4122 variant (8, 9, a, b) from the document's example."""


def order_units(side: str, amount: str, price: str, base: dict[str, Any], quote: dict[str, Any]
                ) -> tuple[str, int, str, int]:
    """(fromToken, fromAmount, toToken, toAmount) by plain Decimal arithmetic, apart from the library."""
    base_units = Decimal(amount) * Decimal(10) ** base["decimals"]
    quote_units = Decimal(amount) * Decimal(price) * Decimal(10) ** quote["decimals"]
    if base_units != base_units.to_integral_value() or quote_units != quote_units.to_integral_value():
        raise GenerationError(f"{amount} at {price} does not convert exactly")
    b, q = int(base_units), int(quote_units)
    return (quote["address"], q, base["address"], b) if side == "bid" else (base["address"], b, quote["address"], q)


def build_sera_order(att: dict[str, Any]) -> Suite:
    s = Suite("sera_order", "The Sera order builder: side (bid/ask), decimal amount and price, base and quote "
              "tokens with their decimals → the signed Order (what is spent and received, exact integers), its "
              "digest and signature on the documented Sera domain, and the /verify-signature body. A bid spends "
              "quote and receives base; an ask is the mirror (inferred from the document's example).", att)
    sera_domain = sera.DOMAIN.to_dict()
    order_types = {"EIP712Domain": sera.DOMAIN.types(), **sera.Order.types()}

    def order(name: str, description: str, side: str, amount: str, price: str, base: dict[str, Any],
              quote: dict[str, Any], key: str = "dev0", **extra: Any) -> None:
        inp: dict[str, Any] = {"side": side, "amount": amount, "price": price, "base": base, "quote": quote,
                               "user": KEYS[key]["address"], "expiration": EXPIRATION}
        if "uuid_int" not in extra:
            inp.update(order_id=SEED_ORDER_ID, executor_id=0)
        inp.update(extra)
        inp["key"] = key

        def check(case_id: str, ours: dict[str, Any]) -> list[str]:
            rounding = extra.get("rounding")
            if rounding is None:
                from_token, from_amount, to_token, to_amount = order_units(side, amount, price, base, quote)
                got = ours["order"]
                if (got["fromToken"], int(got["fromAmount"]), got["toToken"], int(got["toAmount"])) != (
                        from_token, from_amount, to_token, to_amount):
                    raise GenerationError(f"{case_id}: amounts differ from the Decimal arithmetic")
            packed = int(extra["uuid_int"]) if "uuid_int" in extra else seed_standalone(SEED_ORDER_ID, 0)
            if int(ours["uuid_int"]) != packed or int(ours["order"]["uuid"]) != packed:
                raise GenerationError(f"{case_id}: uuid differs")
            doc = doc_of(order_types, "Order", sera_domain, ours["order"])
            theirs = eth_account_typed(doc, key)
            agree(case_id, {k: v for k, v in ours.items() if k not in ("order", "uuid_int", "body")},
                  {k: theirs[k] for k in ("domainSeparator", "structHash", "digest", "signature", "signer")},
                  ETH_ACCOUNT)
            return [ETH_ACCOUNT]

        s.positive(name, "sera_order", description, inp, check)

    order("seed-bid", "The document's example: bid 1000.0 EURC at 1.085 USDC, both 6 decimals → spend "
          "1085000000 USDC units, receive 1000000000 EURC units.", "bid", "1000.0", "1.085", EURC_T, USDC_T)
    seed = s.cases[-1]["expected"]["order"]
    if (int(seed["fromAmount"]), int(seed["toAmount"])) != (1085000000, 1000000000):
        raise GenerationError("the document's bid example does not hold")
    order("seed-ask", "The mirror: ask 1000.0 EURC at 1.085 USDC → spend 1000000000 EURC units, receive "
          "1085000000 USDC units.", "ask", "1000.0", "1.085", EURC_T, USDC_T)
    order("weth-bid", "bid 0.5 WETH (18 decimals) at 3012.34 USDC (6 decimals).", "bid", "0.5", "3012.34",
          WETH_T, USDC_T)
    order("weth-ask", "ask 0.5 WETH at 3012.34 USDC.", "ask", "0.5", "3012.34", WETH_T, USDC_T)
    order("smallest-unit", "One base unit at price 1.", "bid", "0.000001", "1", EURC_T, USDC_T)
    order("integer-amount", "An amount without a decimal point.", "ask", "250", "1.1", EURC_T, USDC_T)
    order("trailing-zeros", "Trailing zeros in amount and price change nothing in the Order.", "bid", "1000.000000",
          "1.0850", EURC_T, USDC_T)
    order("large", "A large order: 123456789.123456 EURC at 0.5.", "bid",
          "123456789.123456", "0.5", EURC_T, USDC_T)
    order("price-below-one", "A price below 1.", "ask", "12.5", "0.000008", WETH_T, USDC_T)
    order("eighteen-each", "Base and quote both 18 decimals.", "bid", "1.000000000000000001", "2",
          WETH_T, {"address": ADDR_B, "decimals": 18, "symbol": "DAI"})
    order("zero-decimals", "A token with 0 decimals as base.", "bid", "7", "1.5",
          {"address": ADDR_A, "decimals": 0, "symbol": "NFTX"}, USDC_T)
    order("fee-recipient-deposit", "feeBps 30, a recipient other than the user and an initial deposit.",
          "bid", "10", "1.085", EURC_T, USDC_T, fee_bps=30, recipient=DEV1, initial_deposit_amount="5000000")
    order("given-uuid-int", "uuid_int given directly with its order_id: a standalone order, leg_id 0 and group_id "
          "= its own UUID >> 16 (the accepted side of the standalone-* refusals).", "ask", "1", "1.085",
          EURC_T, USDC_T, order_id="00000000-0000-4000-8000-000000000002",
          uuid_int=str(seed_standalone("00000000-0000-4000-8000-000000000002", 0)))
    order("order-id-variant-b", "An order id whose RFC 4122 variant digit is b, the top of 8..b: still a UUID4 "
          "(the accepted side of order-id-variant-c).", "bid", "1", "1.085", EURC_T, USDC_T,
          order_id=V4_VARIANT_B, uuid_int=str(seed_standalone(V4_VARIANT_B, 0)))
    order("executor-7", "Packed with executor_id 7.", "bid", "1", "1", EURC_T, USDC_T,
          uuid_int=str(seed_standalone(SEED_ORDER_ID, 7)), order_id=SEED_ORDER_ID)
    order("window-checked", "With server_now given, the expiration window is checked (and passes).", "bid", "1",
          "1.085", EURC_T, USDC_T, server_now=SERVER_NOW)
    order("rounding-down", "An amount finer than the token, with rounding named explicitly (down).", "bid",
          "1.0000009", "1", EURC_T, USDC_T, rounding="down")
    order("dev1", "Signed by the second development key for its own address.", "ask", "3", "1.085", EURC_T,
          USDC_T, key="dev1")

    def bad(name: str, description: str, code: str, path: str | None, **changes: Any) -> None:
        inp: dict[str, Any] = {"side": "bid", "amount": "1000.0", "price": "1.085", "base": EURC_T,
                               "quote": USDC_T, "user": DEV0, "expiration": EXPIRATION, "order_id": SEED_ORDER_ID,
                               "executor_id": 0, "key": "dev0"}
        inp.update(changes)
        for k in [k for k, v in inp.items() if v is None]:
            del inp[k]
        s.negative(name, "sera_order", description, inp, code, path)

    bad("precision-amount", "1000.0000001 EURC has 7 decimals; EURC has 6.", "AMOUNT_PRECISION", "amount",
        amount="1000.0000001")
    bad("precision-product", "amount × price needs 7 decimals of USDC (path not pinned: eip712kit names it "
        "'amount × price').", "AMOUNT_PRECISION", None, amount="1", price="1.0000001")
    bad("side-buy", "'buy' is Renance's word; Sera's sides are bid and ask.", "INVALID_SIDE", "side", side="buy")
    bad("side-uppercase", "'BID' in upper case.", "INVALID_SIDE", "side", side="BID")
    bad("side-empty", "An empty side.", "INVALID_SIDE", "side", side="")
    bad("amount-zero", "A zero amount.", "INVALID_AMOUNT", "amount", amount="0")
    bad("amount-negative", "A negative amount.", "INVALID_AMOUNT", "amount", amount="-1")
    bad("amount-exponent", "Exponent notation.", "INVALID_AMOUNT", "amount", amount="1e3")
    bad("amount-float", "A JSON number with a fraction (floats cannot carry decimals exactly).", "INVALID_AMOUNT",
        "amount", amount=1.5)
    bad("amount-empty", "An empty amount.", "INVALID_AMOUNT", "amount", amount="")
    bad("price-zero", "A zero price.", "INVALID_AMOUNT", "price", price="0")
    bad("same-token", "Base and quote are the same token.", "INVALID_TOKEN", "quote", quote=EURC_T)
    bad("token-decimals", "Token decimals that are not a whole number.", "INVALID_TOKEN", "base.decimals",
        base={"address": EURC, "decimals": "6"})
    bad("token-bad-checksum", "A token address with a bad checksum.", "BAD_CHECKSUM", "base.address",
        base={"address": EURC.replace("F", "f", 1), "decimals": 6})
    bad("user-bad-address", "A user that is not an address (path not pinned: eip712kit names the Order field, "
        "message.user).", "INVALID_ADDRESS", None, user="0x1234")
    bad("expiration-zero", "Expiration 0.", "EXPIRATION_MISSING", "expiration", expiration=0)
    bad("expiration-past", "Expiration equal to server time (must be strictly after).", "EXPIRATION_PAST",
        "expiration", expiration=SERVER_NOW, server_now=SERVER_NOW)
    bad("expiration-too-far", "Expiration one second beyond now + 365 days - 300 s.", "EXPIRATION_TOO_FAR",
        "expiration", expiration=SERVER_NOW + sera.EXPIRATION_MAX_AHEAD + 1, server_now=SERVER_NOW)
    bad("uuid-mismatch", "A uuid_int packed from another order than order_id.", "UUID_MISMATCH", "uuid_int",
        order_id="00000000-0000-4000-8000-000000000002", uuid_int=str(SEED_UUID_INT))
    bad("no-uuid", "Neither uuid_int nor executor_id.", "MISSING_FIELD", "uuid_int", executor_id=None)
    # The document's order rules: order_id is a UUID4; a standalone order has leg_id 0 and group_id = uuid >> 16.
    bad("order-id-version-1", "A version-1 order id (third group starts with 1): Sera order ids are UUID4s.",
        "UUID_NOT_V4", "order_id", order_id="00000000-0000-1000-8000-000000000001")
    bad("order-id-nil", "The nil UUID as order id.", "UUID_NOT_V4", "order_id",
        order_id="00000000-0000-0000-0000-000000000000")
    bad("order-id-variant-c", "Version digit 4 but variant digit c (110x, not RFC 4122): not a UUID4.",
        "UUID_NOT_V4", "order_id", order_id="00000000-0000-4000-c000-000000000001")
    bad("uuid-int-nil", "Only a uuid_int, packing the nil UUID: the order id read from it is not a UUID4.",
        "UUID_NOT_V4", "uuid_int", order_id=None, executor_id=None, uuid_int="0")
    bad("standalone-leg-1", "leg_id 1 with the order's own group: a standalone order has leg_id 0.",
        "UUID_NOT_STANDALONE", "uuid_int", uuid_int=str(seed_vl(SEED_ORDER_ID, 0, 1, SEED_ORDER_ID)))
    bad("standalone-group-plus-1", "leg_id 0 but group_id one more than uuid >> 16.", "UUID_NOT_STANDALONE",
        "uuid_int", uuid_int=str(seed_standalone(SEED_ORDER_ID, 0, group_delta=1)))
    bad("standalone-group-minus-1", "leg_id 0 but group_id one less than uuid >> 16.", "UUID_NOT_STANDALONE",
        "uuid_int", uuid_int=str(seed_standalone(SEED_ORDER_ID, 0, group_delta=-1)))
    bad("batch-leg-as-standalone", "Leg 1 of a virtual-liquidity batch (another order's group) built as a "
        "standalone order.", "UUID_NOT_STANDALONE", "uuid_int", order_id="11111111-2222-4333-8444-555555555555",
        uuid_int=str(seed_vl("11111111-2222-4333-8444-555555555555", 0, 1, SEED_ORDER_ID)))
    bad("key-mismatch", "Signed with a key that is not the order's user.", "KEY_MISMATCH", None, key="dev1")
    bad("rounding-unknown", "A rounding mode that does not exist.", "INVALID_ROUNDING", "rounding",
        amount="1.0000009", rounding="nearest")
    return s
