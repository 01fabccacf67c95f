// @metamask/eth-sig-util (V4): TypedDataUtils, signTypedData, personalSign.  https://metamask.github.io/eth-sig-util/
import * as sigUtil from '@metamask/eth-sig-util';

import { LAXER, packageVersion, personalBytes, toHex, typedDocument, withDomainType } from '../lib/common.mjs';

const { SignTypedDataVersion, TypedDataUtils } = sigUtil;
const V4 = SignTypedDataVersion.V4;
const keyBuffer = (pk) => Buffer.from(pk.replace(/^0x/, ''), 'hex');

export default {
  id: 'eth-sig-util',
  package: '@metamask/eth-sig-util',
  version: packageVersion('@metamask/eth-sig-util'),
  language: 'JavaScript',
  api: 'TypedDataUtils (V4), signTypedData, personalSign, recoverTypedSignature, recoverPersonalSignature',
  errorCodes: 'generic',
  unsupported: {
    "array-length-refusal": LAXER,
    "bad-checksum-refusal": LAXER,
    "bytes-length-refusal": LAXER,
    "document-extra-key-refusal": LAXER,
    "duplicate-field-refusal": LAXER,
    "extra-field-refusal": LAXER,
    "hash-only": "no public personal-message hash function: a personal_sign case without a key shows nothing",
    "int-alias-refusal": LAXER,
    "int-out-of-range-refusal": LAXER,
    "invalid-address-refusal": LAXER,
    "invalid-bool-refusal": LAXER,
    "invalid-document-refusal": LAXER,
    "invalid-domain-refusal": LAXER,
    "invalid-hex-refusal": LAXER,
    "invalid-int-refusal": LAXER,
    "invalid-string-refusal": LAXER,
    "invalid-struct-refusal": LAXER,
    "invalid-type-name-refusal": LAXER,
    "reserved-type-name-refusal": LAXER,
    "unencodable-cycle-refusal": LAXER,
    "unknown-type-refusal": LAXER,
    "zero-length-array-refusal": LAXER,
  },
  ops: {
    async typed_data(input) {
      const td = typedDocument(input);
      // eth-sig-util reads the domain type from types.EIP712Domain (an absent one is an empty
      // struct, a silently different digest): hand it the canonical derivation, as wallets do.
      const types = withDomainType(td);
      const data = { types, primaryType: td.primaryType, domain: td.domain, message: td.message };
      const names = td.primaryType === 'EIP712Domain' ? ['EIP712Domain']
        : ['EIP712Domain', ...[...new Set(TypedDataUtils.findTypeDependencies(td.primaryType, types))].filter((n) => n !== 'EIP712Domain').sort()];
      const encodeType = Object.fromEntries(names.map((n) => [n, TypedDataUtils.encodeType(n, types)]));
      const typeHash = Object.fromEntries(names.map((n) => [n, toHex(TypedDataUtils.hashType(n, types))]));
      const out = { encodeType, typeHash, domainSeparator: toHex(TypedDataUtils.eip712DomainHash(data, V4)) };
      if (td.primaryType !== 'EIP712Domain') out.structHash = toHex(TypedDataUtils.hashStruct(data.primaryType, data.message, types, V4));
      out.digest = toHex(TypedDataUtils.eip712Hash(data, V4));
      if (input.private_key != null) {
        out.signature = sigUtil.signTypedData({ privateKey: keyBuffer(input.private_key), data, version: V4 });
        out.signer = sigUtil.recoverTypedSignature({ data, signature: out.signature, version: V4 });
      }
      return out;
    },
    async personal_sign(input) {
      // personalSign decodes hex-looking *strings* as bytes (MetaMask legacy): always hand it bytes.
      const data = Buffer.from(personalBytes(input));
      const out = {}; // no public personal-message hash function
      if (input.private_key != null) {
        out.signature = sigUtil.personalSign({ privateKey: keyBuffer(input.private_key), data });
        out.signer = sigUtil.recoverPersonalSignature({ data, signature: out.signature });
      }
      return out;
    },
  },
};
