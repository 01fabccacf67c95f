// eip-712 1.0.0 (npm, Mrtenz/eip-712): getMessage, getStructHash, encodeType, getTypeHash.  It does not sign.
import { encodeType, getMessage, getStructHash, getTypeHash } from 'eip-712';

import { toHex } from '../../node/lib/common.mjs';
import { implementation, prepared } from '../lib.mjs';

export default implementation('eip-712', 'eip-712', {
  async typed_data(input) {
    const { td, data, names } = prepared(input);
    return {
      encodeType: Object.fromEntries(names.map((n) => [n, encodeType(data, n)])),
      typeHash: Object.fromEntries(names.map((n) => [n, toHex(getTypeHash(data, n))])),
      domainSeparator: toHex(getStructHash(data, 'EIP712Domain', data.domain)),
      structHash: toHex(getStructHash(data, td.primaryType, td.message)),
      digest: toHex(getMessage(data, true)),
    };
  },
});
