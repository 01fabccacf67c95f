// micro-eth-signer: signTyped, recoverAddressTyped, eip191Signer.  https://github.com/paulmillr/micro-eth-signer#messages-eip-191-and-eip-712
// Its public API has no typed-data hash: it is attested by its signature (RFC 6979, extraEntropy
// off) and the address it recovers, which fix the digest.
import { eip191Signer, recoverAddressTyped, signTyped } from 'micro-eth-signer';

import { LAXER, packageVersion, personalBytes, typedDocument } from '../lib/common.mjs';

export default {
  id: 'micro-eth-signer',
  package: 'micro-eth-signer',
  version: packageVersion('micro-eth-signer'),
  language: 'JavaScript',
  api: 'signTyped (RFC 6979), recoverAddressTyped, eip191Signer; no public typed-data hash: attested by its signature',
  errorCodes: 'generic',
  unsupported: {
    'hash-only': 'no public typed-data hash function: it signs, so a case without a key shows nothing',
    'bad-checksum-refusal': LAXER,
    'document-extra-key-refusal': LAXER,
    'int-alias-refusal': LAXER,
    'invalid-document-refusal': LAXER,
    'invalid-hex-refusal': LAXER,
    'invalid-int-refusal': LAXER,
    'lone-surrogate-refusal': LAXER,
    'padded-number-refusal': LAXER,
    'reserved-type-name-refusal': LAXER,
    'unencodable-cycle-refusal': LAXER,
    'zero-length-array-refusal': LAXER,
  },
  ops: {
    async typed_data(input) {
      const typed = typedDocument(input);
      if (input.private_key == null) {
        // Nothing to report without a key; still let the library check the document (a negative
        // case must be refused) by signing it with the scalar 1 and discarding the signature.
        signTyped(typed, `0x${'00'.repeat(31)}01`, false);
        return {};
      }
      const signature = signTyped(typed, input.private_key, false);
      return { signature, signer: recoverAddressTyped(signature, typed) };
    },
    async personal_sign(input) {
      const msg = personalBytes(input);
      const out = { digest: eip191Signer.getHash(msg) };
      if (input.private_key != null) {
        out.signature = eip191Signer.sign(msg, input.private_key, false);
        out.signer = eip191Signer.recoverAddress(out.signature, msg);
      }
      return out;
    },
  },
};
