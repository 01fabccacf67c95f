// viem: hashTypedData, hashDomain, hashStruct and local accounts.  https://viem.sh/docs/utilities/hashTypedData
import * as viem from 'viem';
import { privateKeyToAccount } from 'viem/accounts';

import { LAXER, packageVersion, personalBytes, toHex, typedDocument } from '../lib/common.mjs';

export default {
  id: 'viem',
  package: 'viem',
  version: packageVersion('viem'),
  language: 'JavaScript',
  api: 'hashDomain, hashStruct, hashTypedData, hashMessage, privateKeyToAccount, recoverAddress',
  errorCodes: 'generic',
  unsupported: {
    "array-length-refusal": LAXER,
    "document-extra-key-refusal": LAXER,
    "duplicate-field-refusal": LAXER,
    "extra-field-refusal": LAXER,
    "invalid-document-refusal": LAXER,
    "invalid-domain-refusal": LAXER,
    "invalid-hex-refusal": LAXER,
    "invalid-int-refusal": LAXER,
    "lone-surrogate-refusal": LAXER,
    "number-coercion-refusal": LAXER,
    "padded-number-refusal": LAXER,
    "zero-length-array-refusal": LAXER,
  },
  ops: {
    async typed_data(input) {
      const td = typedDocument(input);
      const { primaryType, domain, message } = td;
      // hashTypedData derives EIP712Domain itself when types lack it; hashDomain/hashStruct need it spelled out.
      const fullTypes = { EIP712Domain: viem.getTypesForEIP712Domain({ domain }), ...td.types };
      const out = { domainSeparator: viem.hashDomain({ domain, types: fullTypes }) };
      if (primaryType !== 'EIP712Domain') out.structHash = viem.hashStruct({ data: message, primaryType, types: fullTypes });
      out.digest = viem.hashTypedData({ domain, types: td.types, primaryType, message });
      if (input.private_key != null) {
        out.signature = await privateKeyToAccount(input.private_key).signTypedData({ domain, types: td.types, primaryType, message });
        out.signer = await viem.recoverAddress({ hash: out.digest, signature: out.signature });
      }
      return out; // encodeType/hashType are not exported by viem
    },
    async personal_sign(input) {
      const raw = toHex(personalBytes(input));
      const out = { digest: viem.hashMessage({ raw }) };
      if (input.private_key != null) {
        out.signature = await privateKeyToAccount(input.private_key).signMessage({ message: { raw } });
        out.signer = await viem.recoverAddress({ hash: out.digest, signature: out.signature });
      }
      return out;
    },
  },
};
