// eip-712 1.0.0 (npm, Mrtenz/eip-712): getMessage, getStructHash, encodeType, getTypeHash.  It does not sign.
import { encodeType, getMessage, getStructHash, getTypeHash } from 'eip-712';

import { reportedTypeNames, toHex, typedDocument, withDomainType } from '../../node/lib/common.mjs';
import { declared, installedVersion } from '../lib.mjs';

const PACKAGE = 'eip-712';

export default {
  id: 'eip-712',
  package: PACKAGE,
  version: installedVersion(PACKAGE),
  errorCodes: 'generic',
  unsupported: declared(PACKAGE),
  ops: {
    async typed_data(input) {
      const td = typedDocument(input);
      // getMessage reads the domain type from types.EIP712Domain: hand it the canonical derivation when absent.
      const data = { ...td, types: withDomainType(td) };
      const names = ['EIP712Domain', ...reportedTypeNames(data.types, td.primaryType)];
      return {
        encodeType: Object.fromEntries(names.map((n) => [n, encodeType(data, n)])),
        typeHash: Object.fromEntries(names.map((n) => [n, toHex(getTypeHash(data, n))])),
        domainSeparator: toHex(getStructHash(data, 'EIP712Domain', data.domain)),
        structHash: toHex(getStructHash(data, td.primaryType, td.message)),
        digest: toHex(getMessage(data, true)),
      };
    },
  },
};
