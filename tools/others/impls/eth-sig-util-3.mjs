// eth-sig-util 3.0.1 (npm): MetaMask's signer before it became @metamask/eth-sig-util (tools/node attests 8.2.0),
// still installed by many projects. TypedDataUtils (V4), signTypedData_v4, personalSign, recover*.
import sigUtil from 'eth-sig-util';

import { personalBytes, toHex } from '../../node/lib/common.mjs';
import { implementation, prepared } from '../lib.mjs';

const { TypedDataUtils } = sigUtil;
const keyBuffer = (pk) => Buffer.from(pk.replace(/^0x/, ''), 'hex');

export default implementation('eth-sig-util-3', 'eth-sig-util', {
  async typed_data(input) {
    const { td, data, names } = prepared(input);
    const out = {
      encodeType: Object.fromEntries(names.map((n) => [n, TypedDataUtils.encodeType(n, data.types)])),
      typeHash: Object.fromEntries(names.map((n) => [n, toHex(TypedDataUtils.hashType(n, data.types))])),
      domainSeparator: toHex(TypedDataUtils.hashStruct('EIP712Domain', data.domain, data.types, true)),
    };
    if (td.primaryType !== 'EIP712Domain') out.structHash = toHex(TypedDataUtils.hashStruct(td.primaryType, td.message, data.types, true));
    out.digest = toHex(TypedDataUtils.sign(data, true));
    if (input.private_key != null) {
      out.signature = sigUtil.signTypedData_v4(keyBuffer(input.private_key), { data });
      out.signer = sigUtil.recoverTypedSignature_v4({ data, sig: out.signature });
    }
    return out;
  },
  async personal_sign(input) {
    // personalSign reads a hex-looking string as bytes (MetaMask legacy): always hand it bytes.
    const data = Buffer.from(personalBytes(input));
    const out = {}; // no public personal-message hash function
    if (input.private_key != null) {
      out.signature = sigUtil.personalSign(keyBuffer(input.private_key), { data });
      out.signer = sigUtil.recoverPersonalSignature({ data, sig: out.signature });
    }
    return out;
  },
});
