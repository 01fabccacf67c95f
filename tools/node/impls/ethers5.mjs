// ethers v5 (@ethersproject/*): _TypedDataEncoder and Wallet.  https://docs.ethers.org/v5/api/utils/hashing/#TypedDataEncoder
import { _TypedDataEncoder, hashMessage } from '@ethersproject/hash';
import { id } from '@ethersproject/hash';
import { recoverAddress } from '@ethersproject/transactions';
import { Wallet } from '@ethersproject/wallet';

import { deriveDomainType, packageVersion, personalBytes, pruneTypes, reportedTypeNames, structTypes, typedDocument } from '../lib/common.mjs';

export default {
  id: 'ethers5',
  package: '@ethersproject/hash',
  version: packageVersion('@ethersproject/hash'),
  language: 'JavaScript',
  api: '_TypedDataEncoder, Wallet._signTypedData/signMessage, hashMessage, recoverAddress (@ethersproject/hash, @ethersproject/wallet)',
  errorCodes: 'generic',
  unsupported: {
    'recursive-types': '_TypedDataEncoder refuses circular type references',
    'declared-domain-order': 'ethers always derives EIP712Domain from the domain\'s keys',
    'primary-eip712domain': 'no domain-only signing mode',
    'padded-number-refusal': 'BigNumber.from(" 1") trims the whitespace',
    'unprefixed-address-refusal': 'getAddress accepts 40 hex digits without 0x',
    'invalid-bool-refusal': 'a bool is encoded from any truthy value',
    'extra-field-refusal': 'undeclared message fields are ignored',
    'int-alias-refusal': 'uint/int are accepted',
    'zero-length-array-refusal': 'T[0] is accepted',
    'reserved-type-name-refusal': 'a struct may be named like an atomic type',
    'invalid-type-name-refusal': 'struct names are not checked',
    'document-extra-key-refusal': 'ethers takes domain, types and message separately',
    'lone-surrogate-refusal': 'toUtf8Bytes replaces a lone surrogate',
    'max-safe-number': "BigNumber.from(9007199254740991) throws overflow (its bound is exclusive): give such a value as a string",
    'number-coercion-refusal': "a JSON number is encoded where bytes or a string is declared",
  },
  ops: {
    async typed_data(input) {
      const td = typedDocument(input);
      const { primaryType, domain, message } = td;
      const types = pruneTypes(structTypes(td.types), [primaryType]);
      const encoder = _TypedDataEncoder.from(types);
      const domainEncoder = _TypedDataEncoder.from({ EIP712Domain: deriveDomainType(domain) });
      const encodeType = { EIP712Domain: domainEncoder.encodeType('EIP712Domain') };
      for (const name of reportedTypeNames(td.types, primaryType)) encodeType[name] = encoder.encodeType(name);
      const typeHash = Object.fromEntries(Object.entries(encodeType).map(([n, e]) => [n, id(e)]));
      const out = { encodeType, typeHash, domainSeparator: _TypedDataEncoder.hashDomain(domain) };
      out.structHash = encoder.hashStruct(primaryType, message);
      out.digest = _TypedDataEncoder.hash(domain, types, message);
      if (input.private_key != null) {
        const wallet = new Wallet(input.private_key);
        out.signature = await wallet._signTypedData(domain, types, message);
        out.signer = recoverAddress(out.digest, out.signature);
      }
      return out;
    },
    async personal_sign(input) {
      const msg = personalBytes(input);
      const out = { digest: hashMessage(msg) };
      if (input.private_key != null) {
        out.signature = await new Wallet(input.private_key).signMessage(msg);
        out.signer = recoverAddress(out.digest, out.signature);
      }
      return out;
    },
  },
};
