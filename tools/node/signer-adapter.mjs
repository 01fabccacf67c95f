#!/usr/bin/env node
// Example signer adapter for the eip712kit conformance runner's --exec mode,
// built on ethers v6.  One long-running process; JSON lines on stdin/stdout.
//
// request : {"id": "<case id>", "op": "typed_data" | "personal_sign",
//            "input": {<the case's input>, "private_key": "0x.." (when a key is given)}}
// response: {"id": ..., "result": {"digest", "domainSeparator", "structHash",
//            "encodeType": {...}, "typeHash": {...}, "signature", "signer"}}
//           (only the fields it can compute), or
//           {"id": ..., "error": {"code": "UNSUPPORTED" | "INVALID" | "ADAPTER_ERROR", "message": "..."}}
//
// UNSUPPORTED: an op other than typed_data/personal_sign, or typed data that
//   ethers v6 cannot hash (recursive types, a types.EIP712Domain that differs
//   from the one derived from the domain's keys, primaryType EIP712Domain).
// INVALID: ethers (or this adapter's input checks) rejected the input; ethers
//   has no eip712kit error codes, so every such refusal is reported as INVALID.
// ADAPTER_ERROR: the request line itself is unusable (not JSON, not an
//   object) or an unexpected internal error.  The process never exits on a
//   bad line; it ends when stdin closes.

import { createInterface } from 'node:readline';

import * as ethers from 'ethers';

import { HEX_BYTES_RE, deriveDomainType, errMessage, ethersLimitation, pruneTypes, reachableTypes } from './lib/common.mjs';

class AdapterError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

const invalid = (message) => new AdapterError('INVALID', message);

function wallet(input) {
  if (input.private_key == null) return null;
  if (typeof input.private_key !== 'string' || !/^0x[0-9a-fA-F]{64}$/.test(input.private_key)) {
    throw invalid('private_key must be 0x + 64 hex digits');
  }
  return new ethers.Wallet(input.private_key);
}

async function typedData(input) {
  const td = input?.typed_data;
  if (!td || typeof td !== 'object') throw invalid('input.typed_data is missing');
  for (const f of ['types', 'primaryType', 'domain', 'message']) {
    if (td[f] == null) throw invalid(`typed_data.${f} is missing`);
  }
  if (typeof td.types !== 'object' || Array.isArray(td.types)) throw invalid('typed_data.types must be an object');
  if (typeof td.primaryType !== 'string') throw invalid('typed_data.primaryType must be a string');
  const limitation = ethersLimitation(td);
  if (limitation) throw new AdapterError('UNSUPPORTED', limitation);

  const { primaryType, domain, message } = td;
  const structTypes = { ...td.types };
  delete structTypes.EIP712Domain;
  if (!Object.hasOwn(structTypes, primaryType)) throw invalid(`primaryType ${JSON.stringify(primaryType)} is not defined in types`);
  const types = pruneTypes(structTypes, [primaryType]);
  const encoder = ethers.TypedDataEncoder.from(types);

  const result = {};
  result.encodeType = {};
  result.typeHash = {};
  const domainEncoder = ethers.TypedDataEncoder.from({ EIP712Domain: deriveDomainType(domain) });
  result.encodeType.EIP712Domain = domainEncoder.encodeType('EIP712Domain');
  for (const name of [...reachableTypes(types, primaryType)].sort()) result.encodeType[name] = encoder.encodeType(name);
  for (const [name, enc] of Object.entries(result.encodeType)) result.typeHash[name] = ethers.id(enc);

  result.domainSeparator = ethers.TypedDataEncoder.hashDomain(domain);
  result.structHash = encoder.hashStruct(primaryType, message);
  result.digest = ethers.TypedDataEncoder.hash(domain, types, message);
  const w = wallet(input);
  if (w) {
    result.signature = await w.signTypedData(domain, types, message);
    result.signer = ethers.recoverAddress(result.digest, result.signature);
  }
  return result;
}

async function personalSign(input) {
  if (!input || typeof input.message !== 'string') throw invalid('input.message must be a string');
  const encoding = input.encoding ?? 'utf8';
  let msg;
  if (encoding === 'hex') {
    if (!HEX_BYTES_RE.test(input.message)) throw invalid('input.message is not 0x-prefixed hex bytes');
    msg = ethers.getBytes(input.message);
  } else if (encoding === 'utf8') {
    msg = input.message; // ethers signs a string as its UTF-8 bytes
  } else {
    throw invalid(`unknown encoding ${JSON.stringify(encoding)}`);
  }
  const result = { digest: ethers.hashMessage(msg) };
  const w = wallet(input);
  if (w) {
    result.signature = await w.signMessage(msg);
    result.signer = ethers.recoverAddress(result.digest, result.signature);
  }
  return result;
}

const OPS = { typed_data: typedData, personal_sign: personalSign };

async function handle(line) {
  let req;
  try {
    req = JSON.parse(line);
  } catch (e) {
    return { id: null, error: { code: 'ADAPTER_ERROR', message: `request is not JSON: ${errMessage(e)}` } };
  }
  if (!req || typeof req !== 'object' || Array.isArray(req)) {
    return { id: null, error: { code: 'ADAPTER_ERROR', message: 'request is not a JSON object' } };
  }
  const id = req.id ?? null;
  const op = OPS[req.op];
  if (!Object.hasOwn(OPS, req.op ?? '')) {
    return { id, error: { code: 'UNSUPPORTED', message: `op ${JSON.stringify(req.op)} is not supported by this adapter` } };
  }
  try {
    return { id, result: await op(req.input ?? {}) };
  } catch (e) {
    if (e instanceof AdapterError) return { id, error: { code: e.code, message: e.message } };
    if (ethers.isError(e, 'INVALID_ARGUMENT') || ethers.isError(e, 'NUMERIC_FAULT') || ethers.isError(e, 'UNSUPPORTED_OPERATION')) {
      return { id, error: { code: 'INVALID', message: errMessage(e) } };
    }
    // ethers does not check the message's shape itself: a missing nested
    // struct or a non-array where an array is declared surfaces as a
    // TypeError while encoding.  That is an input the adapter cannot sign.
    if (e instanceof TypeError || e instanceof RangeError) {
      return { id, error: { code: 'INVALID', message: `ethers could not encode the input: ${errMessage(e)}` } };
    }
    return { id, error: { code: 'ADAPTER_ERROR', message: errMessage(e) } };
  }
}

function send(obj) {
  let text;
  try {
    text = JSON.stringify(obj);
  } catch (e) {
    text = JSON.stringify({ id: obj?.id ?? null, error: { code: 'ADAPTER_ERROR', message: `cannot serialise response: ${errMessage(e)}` } });
  }
  // stdout to a pipe or file is written synchronously on Linux, so each line
  // leaves the process before the next request is read.
  process.stdout.write(`${text}\n`);
}

process.stdout.on('error', (e) => {
  if (e.code === 'EPIPE') process.exit(0);
});

const rl = createInterface({ input: process.stdin, crlfDelay: Infinity, terminal: false });
for await (const line of rl) {
  if (!line.trim()) continue;
  let response;
  try {
    response = await handle(line);
  } catch (e) {
    response = { id: null, error: { code: 'ADAPTER_ERROR', message: errMessage(e) } };
  }
  send(response);
}
