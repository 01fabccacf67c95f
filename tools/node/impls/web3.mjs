// web3.js v4: web3-eth-abi's getEncodedEip712Data and web3-eth-accounts.  https://docs.web3js.org/libdocs/ABI#getencodedeip712data
import { getEncodedEip712Data } from 'web3-eth-abi';
import { hashMessage, recover, signMessageWithPrivateKey } from 'web3-eth-accounts';

import { LAXER, packageVersion, personalBytes, toHex, typedDocument, withDomainType } from '../lib/common.mjs';

function signed(digest, privateKey) {
  const { signature } = signMessageWithPrivateKey(digest, privateKey);
  return { signature, signer: recover(digest, signature, true) };
}

export default {
  id: 'web3',
  package: 'web3-eth-abi',
  version: packageVersion('web3-eth-abi'),
  language: 'JavaScript',
  api: 'getEncodedEip712Data (web3-eth-abi), hashMessage, signMessageWithPrivateKey, recover (web3-eth-accounts)',
  errorCodes: 'generic',
  unsupported: {
    "bad-checksum-refusal": LAXER,
    "bytes-length-refusal": LAXER,
    "document-extra-key-refusal": LAXER,
    "dollar-identifiers": "getEncodedEip712Data reads type names with /^\\w+/, which stops at $",
    "duplicate-field-refusal": LAXER,
    "extra-field-refusal": LAXER,
    "int-alias-refusal": LAXER,
    "invalid-bool-refusal": LAXER,
    "invalid-domain-refusal": LAXER,
    "invalid-int-refusal": LAXER,
    "invalid-struct-refusal": LAXER,
    "lone-surrogate-refusal": LAXER,
    "number-coercion-refusal": LAXER,
    "primary-eip712domain": "getEncodedEip712Data always appends a struct hash of primaryType",
    "recursive-types": "getEncodedEip712Data recurses without end on a self-referencing struct (stack overflow)",
    "unprefixed-address-refusal": LAXER,
    "unprefixed-hex-refusal": LAXER,
    "zero-length-array-refusal": LAXER,
  },
  ops: {
    async typed_data(input) {
      const td = typedDocument(input);
      // getEncodedEip712Data reads EIP712Domain from types: hand it the canonical derivation when absent.
      const typedData = { ...td, types: withDomainType(td) };
      const encoded = getEncodedEip712Data(typedData, false); // 0x1901 ‖ domainSeparator ‖ structHash
      const out = { domainSeparator: `0x${encoded.slice(6, 70)}`, structHash: `0x${encoded.slice(70)}` };
      out.digest = getEncodedEip712Data(typedData, true);
      if (input.private_key != null) Object.assign(out, signed(out.digest, input.private_key));
      return out;
    },
    async personal_sign(input) {
      const hex = toHex(personalBytes(input)); // hashMessage takes 0x-hex as bytes, other text as UTF-8
      const out = { digest: hashMessage(hex) };
      if (input.private_key != null) Object.assign(out, signed(out.digest, input.private_key));
      return out;
    },
  },
};
