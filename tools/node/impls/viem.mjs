// viem: hashTypedData, hashDomain, hashStruct and local accounts.  https://viem.sh/docs/utilities/hashTypedData
import * as viem from 'viem';
import { privateKeyToAccount } from 'viem/accounts';

import { packageVersion, personalBytes, toHex, typedDocument } from '../lib/common.mjs';

export default {
  id: 'viem',
  package: 'viem',
  version: packageVersion('viem'),
  errorCodes: 'generic',
  unsupported: {
    "array-length-refusal": "signs it (laxer than eip712kit; recorded in the vectors' accepted_by)",
    "document-extra-key-refusal": "signs it (laxer than eip712kit; recorded in the vectors' accepted_by)",
    "duplicate-field-refusal": "signs it (laxer than eip712kit; recorded in the vectors' accepted_by)",
    "extra-field-refusal": "signs it (laxer than eip712kit; recorded in the vectors' accepted_by)",
    "invalid-document-refusal": "signs it (laxer than eip712kit; recorded in the vectors' accepted_by)",
    "invalid-domain-refusal": "signs it (laxer than eip712kit; recorded in the vectors' accepted_by)",
    "invalid-hex-refusal": "signs it (laxer than eip712kit; recorded in the vectors' accepted_by)",
    "invalid-int-refusal": "signs it (laxer than eip712kit; recorded in the vectors' accepted_by)",
    "lone-surrogate-refusal": "signs it (laxer than eip712kit; recorded in the vectors' accepted_by)",
    "number-coercion-refusal": "signs it (laxer than eip712kit; recorded in the vectors' accepted_by)",
    "padded-number-refusal": "signs it (laxer than eip712kit; recorded in the vectors' accepted_by)",
    "zero-length-array-refusal": "signs it (laxer than eip712kit; recorded in the vectors' accepted_by)",
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
