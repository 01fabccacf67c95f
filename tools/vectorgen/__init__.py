"""Regenerate the golden vectors in ``vectors/`` — deterministically, and cross-checked as they are made.

    python tools/gen_vectors.py              # write vectors/*.json
    python tools/gen_vectors.py --out DIR    # write elsewhere (the determinism test does)
    python tools/gen_vectors.py --check      # exit 1 if vectors/ differs from a fresh generation

No clock and no free random seed: every value below is written out, or drawn from a
``random.Random`` seeded with a fixed string, so a regeneration on a clean clone is byte-identical.

Where the values come from, and who vouches for them:

* expected values are computed with eip712kit (the same request/response code the runner uses);
* every positive ``typed_data`` and ``personal_sign`` case is recomputed with **eth-account**
  wherever eth-account can express it (it cannot: a non-canonical ``EIP712Domain``, a
  ``primaryType`` that is not the single root, ``primaryType: EIP712Domain``); a disagreement
  stops the generator. The Sera order cases have their Order re-hashed by eth-account too;
* negative cases name the code and path by hand here; the generator stops unless eip712kit
  refuses with exactly those. eth-account is asked as well, and a case it accepts anyway records
  that in ``accepted_by`` (a kit policy stricter than the field, not a broken hash);
* the Node implementations (ethers, viem, @metamask/eth-sig-util) are added from
  ``vectors/attestations.json``, written by ``node tools/node/attest.mjs --record
  vectors/attestations.json``, for a positive case only when the recorded digest equals the
  case's digest, and for a negative case only when the recorded input fingerprint matches;
* amounts and uuid_ints are recomputed with plain ``Decimal`` arithmetic and bit shifts written
  here, apart from the library; time windows are decided by the table written here.

One module per suite (``core``, ``negative``, ``alura``, ``sera``, ``renance``, ``uuid_int``,
``sera_order``, ``time_window``), each a ``build_<suite>(attestations)`` returning a ``Suite``;
shared values in ``common``, the eth-account cross-checks in ``references``, the JSON Schema in
``schema``, and writing or ``--check`` in ``writer``. ``tools/gen_vectors.py`` is the entry script.
"""
