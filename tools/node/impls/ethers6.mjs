// ethers v6: TypedDataEncoder and Wallet.  https://docs.ethers.org/v6/api/hashing/#TypedDataEncoder
import * as ethers from 'ethers';

import { deriveDomainType, packageVersion, personalBytes, pruneTypes, reportedTypeNames, structTypes, typedDocument } from '../lib/common.mjs';

export default {
  id: 'ethers',
  package: 'ethers',
  version: packageVersion('ethers'),
  language: 'JavaScript',
  api: 'TypedDataEncoder (hashDomain, hashStruct, encodeType, hash), Wallet.signTypedData/signMessage, hashMessage, recoverAddress',
  errorCodes: 'generic',
  // What ethers v6 cannot express, and the strictness it does not have, as the vectors' feature tags.
  unsupported: {
    'recursive-types': 'TypedDataEncoder refuses circular type references',
    'declared-domain-order': 'ethers always derives EIP712Domain from the domain\'s keys (types must not contain EIP712Domain)',
    'primary-eip712domain': 'no domain-only signing mode (MetaMask/viem hash keccak256(0x1901 ‖ domainSeparator))',
    'padded-number-refusal': 'BigInt(" 1") trims the whitespace',
    'unprefixed-address-refusal': 'getAddress accepts 40 hex digits without 0x',
    'invalid-bool-refusal': 'a bool is encoded from any truthy value ("true", 1, null)',
    'extra-field-refusal': 'undeclared message fields are ignored',
    'int-alias-refusal': 'uint/int are normalised to uint256/int256',
    'zero-length-array-refusal': 'T[0] is accepted',
    'reserved-type-name-refusal': 'a struct may be named like an atomic type',
    'invalid-type-name-refusal': 'struct names are not checked',
    'document-extra-key-refusal': 'ethers takes domain, types and message separately: it never sees the document',
    'lone-surrogate-refusal': 'toUtf8Bytes replaces a lone surrogate',
  },
  ops: {
    async typed_data(input) {
      const td = typedDocument(input);
      const { primaryType, domain, message } = td;
      // ethers derives EIP712Domain itself and infers the primary type as the single root of `types`:
      // hand it exactly the struct types reachable from primaryType (the only ones that enter the hash).
      const types = pruneTypes(structTypes(td.types), [primaryType]);
      const encoder = ethers.TypedDataEncoder.from(types);
      const domainEncoder = ethers.TypedDataEncoder.from({ EIP712Domain: deriveDomainType(domain) });
      const encodeType = { EIP712Domain: domainEncoder.encodeType('EIP712Domain') };
      for (const name of reportedTypeNames(td.types, primaryType)) encodeType[name] = encoder.encodeType(name);
      const typeHash = Object.fromEntries(Object.entries(encodeType).map(([n, e]) => [n, ethers.id(e)]));
      const out = { encodeType, typeHash, domainSeparator: ethers.TypedDataEncoder.hashDomain(domain) };
      out.structHash = encoder.hashStruct(primaryType, message);
      out.digest = ethers.TypedDataEncoder.hash(domain, types, message);
      if (input.private_key != null) {
        const wallet = new ethers.Wallet(input.private_key);
        out.signature = await wallet.signTypedData(domain, types, message);
        out.signer = ethers.recoverAddress(out.digest, out.signature);
      }
      return out;
    },
    async personal_sign(input) {
      const msg = personalBytes(input);
      const out = { digest: ethers.hashMessage(msg) };
      if (input.private_key != null) {
        out.signature = await new ethers.Wallet(input.private_key).signMessage(msg);
        out.signer = ethers.recoverAddress(out.digest, out.signature);
      }
      return out;
    },
  },
};
