// ethers-eip712 0.2.0 (npm, arcadeum): TypedDataUtils.encodeDigest, hashStruct, encodeType, typeHash (on ethers 5).
// It does not sign.
import pkg from 'ethers-eip712';

import { toHex } from '../../node/lib/common.mjs';
import { implementation, prepared } from '../lib.mjs';

const { TypedDataUtils } = pkg;

export default implementation('ethers-eip712', 'ethers-eip712', {
  async typed_data(input) {
    const { td, data, names } = prepared(input);
    return {
      encodeType: Object.fromEntries(names.map((n) => [n, TypedDataUtils.encodeType(data.types, n)])),
      typeHash: Object.fromEntries(names.map((n) => [n, toHex(TypedDataUtils.typeHash(data.types, n))])),
      domainSeparator: toHex(TypedDataUtils.hashStruct(data, 'EIP712Domain', data.domain)),
      structHash: toHex(TypedDataUtils.hashStruct(data, td.primaryType, td.message)),
      digest: toHex(TypedDataUtils.encodeDigest(data)),
    };
  },
});
