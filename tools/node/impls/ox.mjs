// ox: TypedData, PersonalMessage, Secp256k1, Signature.  https://oxlib.sh/api/TypedData
import { Hash, Hex, PersonalMessage, Secp256k1, Signature, TypedData } from 'ox';

import { LAXER, packageVersion, personalBytes, reportedTypeNames, toHex, typedDocument } from '../lib/common.mjs';

function signed(payload, privateKey) {
  const signature = Signature.toHex(Secp256k1.sign({ payload, privateKey }));
  return { signature, signer: Secp256k1.recoverAddress({ payload, signature: Signature.fromHex(signature) }) };
}

export default {
  id: 'ox',
  package: 'ox',
  version: packageVersion('ox'),
  language: 'JavaScript',
  api: 'TypedData.encodeType/hashDomain/hashStruct/getSignPayload, PersonalMessage.getSignPayload, Secp256k1.sign/recoverAddress',
  errorCodes: 'generic',
  unsupported: {
    "document-extra-key-refusal": LAXER,
    "duplicate-field-refusal": LAXER,
    "extra-field-refusal": LAXER,
    "int-alias-refusal": LAXER,
    "invalid-document-refusal": LAXER,
    "invalid-domain-refusal": LAXER,
    "invalid-hex-refusal": LAXER,
    "invalid-int-refusal": LAXER,
    "invalid-type-name-refusal": LAXER,
    "lone-surrogate-refusal": LAXER,
    "missing-field-refusal": LAXER,
    "null-value-refusal": LAXER,
    "number-coercion-refusal": LAXER,
    "string-chain-id": "extractEip712DomainTypes drops a chainId given as a string: the derived domain type, and so the digest, differ silently",
    "unknown-type-refusal": LAXER,
    "zero-length-array-refusal": LAXER,
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
