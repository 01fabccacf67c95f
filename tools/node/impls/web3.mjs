// web3.js v4: web3-eth-abi's getEncodedEip712Data and web3-eth-accounts.  https://docs.web3js.org/libdocs/ABI#getencodedeip712data
import { getEncodedEip712Data } from 'web3-eth-abi';
import { hashMessage, recover, signMessageWithPrivateKey } from 'web3-eth-accounts';

import { deriveDomainType, packageVersion, personalBytes, toHex, typedDocument } from '../lib/common.mjs';

function signed(digest, privateKey) {
  const { signature } = signMessageWithPrivateKey(digest, privateKey);
  return { signature, signer: recover(digest, signature, true) };
}

export default {
  id: 'web3',
  package: 'web3-eth-abi',
  version: packageVersion('web3-eth-abi'),
  errorCodes: 'generic',
  unsupported: {
    "bad-checksum-refusal": "signs it (laxer than eip712kit; recorded in the vectors' accepted_by)",
    "bytes-length-refusal": "signs it (laxer than eip712kit; recorded in the vectors' accepted_by)",
    "document-extra-key-refusal": "signs it (laxer than eip712kit; recorded in the vectors' accepted_by)",
    "dollar-identifiers": "getEncodedEip712Data reads type names with /^\\w+/, which stops at $",
    "duplicate-field-refusal": "signs it (laxer than eip712kit; recorded in the vectors' accepted_by)",
    "extra-field-refusal": "signs it (laxer than eip712kit; recorded in the vectors' accepted_by)",
    "int-alias-refusal": "signs it (laxer than eip712kit; recorded in the vectors' accepted_by)",
    "invalid-bool-refusal": "signs it (laxer than eip712kit; recorded in the vectors' accepted_by)",
    "invalid-domain-refusal": "signs it (laxer than eip712kit; recorded in the vectors' accepted_by)",
    "invalid-int-refusal": "signs it (laxer than eip712kit; recorded in the vectors' accepted_by)",
    "invalid-struct-refusal": "signs it (laxer than eip712kit; recorded in the vectors' accepted_by)",
    "lone-surrogate-refusal": "signs it (laxer than eip712kit; recorded in the vectors' accepted_by)",
    "number-coercion-refusal": "signs it (laxer than eip712kit; recorded in the vectors' accepted_by)",
    "primary-eip712domain": "getEncodedEip712Data always appends a struct hash of primaryType",
    "recursive-types": "getEncodedEip712Data recurses without end on a self-referencing struct (stack overflow)",
    "unprefixed-address-refusal": "signs it (laxer than eip712kit; recorded in the vectors' accepted_by)",
    "unprefixed-hex-refusal": "signs it (laxer than eip712kit; recorded in the vectors' accepted_by)",
    "zero-length-array-refusal": "signs it (laxer than eip712kit; recorded in the vectors' accepted_by)",
  },
  ops: {
    async typed_data(input) {
      const td = typedDocument(input);
      // getEncodedEip712Data reads EIP712Domain from types: hand it the canonical derivation when absent.
      const types = { ...td.types };
      if (!Object.hasOwn(types, 'EIP712Domain')) types.EIP712Domain = deriveDomainType(td.domain);
      const typedData = { ...td, types };
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
