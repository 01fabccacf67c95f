// ox: TypedData, PersonalMessage, Secp256k1, Signature.  https://oxlib.sh/api/TypedData
import { Hash, Hex, PersonalMessage, Secp256k1, Signature, TypedData } from 'ox';

import { packageVersion, personalBytes, reportedTypeNames, toHex, typedDocument } from '../lib/common.mjs';

function signed(payload, privateKey) {
  const signature = Signature.toHex(Secp256k1.sign({ payload, privateKey }));
  return { signature, signer: Secp256k1.recoverAddress({ payload, signature: Signature.fromHex(signature) }) };
}

export default {
  id: 'ox',
  package: 'ox',
  version: packageVersion('ox'),
  errorCodes: 'generic',
  unsupported: {
    "document-extra-key-refusal": "signs it (laxer than eip712kit; recorded in the vectors' accepted_by)",
    "duplicate-field-refusal": "signs it (laxer than eip712kit; recorded in the vectors' accepted_by)",
    "extra-field-refusal": "signs it (laxer than eip712kit; recorded in the vectors' accepted_by)",
    "int-alias-refusal": "signs it (laxer than eip712kit; recorded in the vectors' accepted_by)",
    "invalid-document-refusal": "signs it (laxer than eip712kit; recorded in the vectors' accepted_by)",
    "invalid-domain-refusal": "signs it (laxer than eip712kit; recorded in the vectors' accepted_by)",
    "invalid-hex-refusal": "signs it (laxer than eip712kit; recorded in the vectors' accepted_by)",
    "invalid-int-refusal": "signs it (laxer than eip712kit; recorded in the vectors' accepted_by)",
    "invalid-type-name-refusal": "signs it (laxer than eip712kit; recorded in the vectors' accepted_by)",
    "lone-surrogate-refusal": "signs it (laxer than eip712kit; recorded in the vectors' accepted_by)",
    "missing-field-refusal": "signs it (laxer than eip712kit; recorded in the vectors' accepted_by)",
    "null-value-refusal": "signs it (laxer than eip712kit; recorded in the vectors' accepted_by)",
    "number-coercion-refusal": "signs it (laxer than eip712kit; recorded in the vectors' accepted_by)",
    "string-chain-id": "extractEip712DomainTypes drops a chainId given as a string: the derived domain type, and so the digest, differ silently",
    "unknown-type-refusal": "signs it (laxer than eip712kit; recorded in the vectors' accepted_by)",
    "zero-length-array-refusal": "signs it (laxer than eip712kit; recorded in the vectors' accepted_by)",
  },
  ops: {
    async typed_data(input) {
      const td = typedDocument(input);
      const { primaryType, domain, message } = td;
      const types = { EIP712Domain: TypedData.extractEip712DomainTypes(domain), ...td.types };
      const names = ['EIP712Domain', ...reportedTypeNames(td.types, primaryType)];
      const encodeType = Object.fromEntries(names.map((n) => [n, TypedData.encodeType({ primaryType: n, types })]));
      const typeHash = Object.fromEntries(Object.entries(encodeType).map(([n, e]) => [n, Hash.keccak256(Hex.fromString(e))]));
      const out = { encodeType, typeHash, domainSeparator: TypedData.hashDomain({ domain, types }) };
      if (primaryType !== 'EIP712Domain') out.structHash = TypedData.hashStruct({ data: message, primaryType, types });
      out.digest = TypedData.getSignPayload({ domain, types: td.types, primaryType, message });
      if (input.private_key != null) Object.assign(out, signed(out.digest, input.private_key));
      return out;
    },
    async personal_sign(input) {
      const out = { digest: PersonalMessage.getSignPayload(toHex(personalBytes(input))) };
      if (input.private_key != null) Object.assign(out, signed(out.digest, input.private_key));
      return out;
    },
  },
};
