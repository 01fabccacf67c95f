// ethers-eip712 0.2.0 (npm, arcadeum): TypedDataUtils.encodeDigest, hashStruct, encodeType, typeHash (on ethers 5).
// It does not sign.
import pkg from 'ethers-eip712';

import { reportedTypeNames, toHex, typedDocument, withDomainType } from '../../node/lib/common.mjs';
import { declared, installedVersion } from '../lib.mjs';

const PACKAGE = 'ethers-eip712';

const { TypedDataUtils } = pkg;

export default {
  id: 'ethers-eip712',
  package: PACKAGE,
  version: installedVersion(PACKAGE),
  errorCodes: 'generic',
  unsupported: declared(PACKAGE),
  ops: {
    async typed_data(input) {
      const td = typedDocument(input);
      // encodeDigest reads the domain type from types.EIP712Domain: hand it the canonical derivation when absent.
      const data = { ...td, types: withDomainType(td) };
      const names = ['EIP712Domain', ...reportedTypeNames(data.types, td.primaryType)];
      return {
        encodeType: Object.fromEntries(names.map((n) => [n, TypedDataUtils.encodeType(data.types, n)])),
        typeHash: Object.fromEntries(names.map((n) => [n, toHex(TypedDataUtils.typeHash(data.types, n))])),
        domainSeparator: toHex(TypedDataUtils.hashStruct(data, 'EIP712Domain', data.domain)),
        structHash: toHex(TypedDataUtils.hashStruct(data, td.primaryType, td.message)),
        digest: toHex(TypedDataUtils.encodeDigest(data)),
      };
    },
  },
};
