#!/usr/bin/env python3
"""Coverage-guided fuzzing of the untrusted-input entry points with atheris (long runs, not CI).

    pip install atheris
    python tools/fuzz_atheris.py -atheris_runs=2000000          # or -max_total_time=600

Each input is split by its first byte into a target: a typed-data JSON document, a signature,
a uuid_int, a personal_sign message or an order_id/uuid_int binding. The only outcomes allowed
are a result or eip712kit's own error; anything else is a crash that atheris reports with the
input that caused it.
"""

import sys

import atheris

with atheris.instrument_imports():
    import eip712kit
    from eip712kit import Eip712KitError, Signature, TypedData, uuid_int

SEED_DOCUMENT = (b'{"types":{"Order":[{"name":"user","type":"address"},{"name":"amount","type":"uint256"},'
                 b'{"name":"legs","type":"uint48[]"}]},"primaryType":"Order","domain":{"name":"Sera",'
                 b'"chainId":11155111},"message":{"user":"0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266",'
                 b'"amount":"1","legs":[1,2]}}')


def one_input(data: bytes) -> None:
    if not data:
        return
    target, body = data[0] % 5, data[1:]
    try:
        if target == 0:
            TypedData(body)
        elif target == 1:
            Signature.parse(body.decode("latin-1"))
        elif target == 2:
            uuid_int.unpack(body.decode("latin-1"))
        elif target == 3:
            eip712kit.hash_message(body.decode("utf-8", "replace"))
            eip712kit.hash_message(body)
        else:
            text = body.decode("latin-1")
            uuid_int.require_binding(text[:36], text[36:])
    except Eip712KitError:
        pass


def main() -> None:
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
