#!/usr/bin/env node
// Independent attestation of eip712kit golden vectors.
//
// Every positive `typed_data` and `personal_sign` case is recomputed with three
// independent implementations -- ethers v6, viem and @metamask/eth-sig-util --
// and any difference from the vector's `expected` values is a failure.
//
//   node attest.mjs [--json] [--verbose] [--record FILE] [PATH ...]
//
// PATH: vector files or directories of *.json files (default ../../vectors
// relative to this script).  Exit 0: no failure; 1: at least one failure;
// 2: usage error or no vector file found.  See README.md.

import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import * as ethers from 'ethers';
import * as viem from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import * as sigUtil from '@metamask/eth-sig-util';

import {
  HEX_BYTES_RE,
  deriveDomainType,
  errMessage,
  ethersLimitation,
  packageVersion,
  pruneTypes,
} from './lib/common.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const FORMAT_PREFIX = 'eip712kit-vectors/';
const POSITIVE_KINDS = new Set(['typed_data', 'personal_sign', 'sera_order']);
const PROBED_KINDS = new Set(['typed_data', 'personal_sign']);

// The Sera Order struct as the Sera document declares it (field order is part of the hash).
// sera_order cases are attested by re-hashing expected.order with it in expected.domain.
const SERA_ORDER_FIELDS = [
  ['user', 'address'], ['expiration', 'uint48'], ['feeBps', 'uint48'], ['recipient', 'address'],
  ['fromToken', 'address'], ['toToken', 'address'], ['fromAmount', 'uint256'], ['toAmount', 'uint256'],
  ['initialDepositAmount', 'uint256'], ['uuid', 'uint256'],
].map(([name, type]) => ({ name, type }));

// Any valid signature serves to make eth-sig-util hash a personal message while probing a
// negative case (recoverPersonalSignature hashes, then recovers); this one is the public
// vector alura/text-hello. It is not a secret.
const PROBE_SIGNATURE =
  '0xf16ea9a3478698f695fd1401bfe27e9e4a7e8e3da94aa72b021125e31fa899cc573c48ea3fe1d4ab61a9db10c19032026e3ed2dbccba5a178235ac27f94504311c';

export const IMPLS = ['ethers', 'viem', '@metamask/eth-sig-util'];
export const VERSIONS = {
  ethers: packageVersion('ethers'),
  viem: packageVersion('viem'),
  '@metamask/eth-sig-util': packageVersion('@metamask/eth-sig-util'),
};
const { SignTypedDataVersion, TypedDataUtils } = sigUtil;
const V4 = SignTypedDataVersion.V4;

// ---------------------------------------------------------------------------
// Result collector for one (case, implementation) pair.

class Check {
  constructor() {
    this.checked = []; // fields compared and equal
    this.skipped = []; // fields present in expected that this implementation's API does not expose
    this.problems = []; // {field, expected, got} or {field, error}
    this.unsupported = null; // reason string
  }

  /** Compare a value computed by `fn` (may be async) against `expected`. */
  async field(name, expected, fn, { caseInsensitive = false } = {}) {
    if (expected === undefined || expected === null) return undefined;
    let got;
    try {
      got = await fn();
    } catch (e) {
      this.problems.push({ field: name, expected, error: errMessage(e) });
      return undefined;
    }
    const norm = (v) => (caseInsensitive && typeof v === 'string' ? v.toLowerCase() : v);
    if (norm(got) === norm(expected)) this.checked.push(name);
    else this.problems.push({ field: name, expected, got });
    return got;
  }

  /** Run a computation whose result later fields depend on; a throw is a failure. */
  async compute(name, fn) {
    try {
      return await fn();
    } catch (e) {
      this.problems.push({ field: name, error: errMessage(e) });
      return undefined;
    }
  }

  skip(name) {
    this.skipped.push(name);
  }

  get status() {
    if (this.unsupported) return 'unsupported';
    return this.problems.length ? 'failed' : 'checked';
  }

  toJSON() {
    const out = { status: this.status };
    if (this.unsupported) out.reason = this.unsupported;
    else {
      out.checked = this.checked;
      if (this.skipped.length) out.skipped = this.skipped;
      if (this.problems.length) out.problems = this.problems;
    }
    return out;
  }
}

const lowerHex = (v) => (typeof v === 'string' ? v.toLowerCase() : v);
const clone = (v) => structuredClone(v);
const hexOf = (buf) => `0x${Buffer.from(buf).toString('hex')}`;
const keyBuffer = (pk) => Buffer.from(pk.replace(/^0x/, ''), 'hex');

function typeNames(expected) {
  const names = new Set([
    ...Object.keys(expected?.encodeType ?? {}),
    ...Object.keys(expected?.typeHash ?? {}),
  ]);
  return [...names].sort();
}

// ---------------------------------------------------------------------------
// typed_data

async function ethersTypedData(c, key) {
  const chk = new Check();
  const td = clone(c.input.typed_data);
  const exp = c.expected;
  const names = typeNames(exp);
  const limitation = ethersLimitation(td, names);
  if (limitation) {
    chk.unsupported = limitation;
    return chk;
  }
  const { primaryType, domain, message } = td;
  const structTypes = { ...td.types };
  delete structTypes.EIP712Domain;
  // ethers infers the primary type as the single root of `types` and refuses
  // unused types; give it exactly the types reachable from primaryType (the
  // only ones that take part in the hash in every implementation).
  const types = pruneTypes(structTypes, [primaryType]);

  await chk.field('domainSeparator', exp.domainSeparator, () => ethers.TypedDataEncoder.hashDomain(domain), { caseInsensitive: true });
  await chk.field('structHash', exp.structHash, () => ethers.TypedDataEncoder.from(types).hashStruct(primaryType, message), { caseInsensitive: true });
  for (const name of names) {
    const encoder = () =>
      name === 'EIP712Domain'
        ? ethers.TypedDataEncoder.from({ EIP712Domain: deriveDomainType(domain) })
        : ethers.TypedDataEncoder.from(pruneTypes(structTypes, [name]));
    await chk.field(`encodeType.${name}`, exp.encodeType?.[name], () => encoder().encodeType(name));
    await chk.field(`typeHash.${name}`, exp.typeHash?.[name], () => ethers.id(encoder().encodeType(name)), { caseInsensitive: true });
  }
  const digest = await chk.compute('digest', () => ethers.TypedDataEncoder.hash(domain, types, message));
  if (digest !== undefined) await chk.field('digest', exp.digest, () => digest, { caseInsensitive: true });

  if (exp.signature != null && digest !== undefined) {
    await chk.field('signer', exp.signer, () => ethers.recoverAddress(digest, ethers.Signature.from(exp.signature)));
    await chk.field('signature.canonical', exp.signature, () => ethers.Signature.from(exp.signature).serialized, { caseInsensitive: true });
  }
  if (key) {
    const wallet = new ethers.Wallet(key.private_key);
    await chk.field('key.address', key.address, () => wallet.address);
    if (exp.signature == null) await chk.field('signer', exp.signer, () => wallet.address);
    await chk.field('signature', exp.signature, () => wallet.signTypedData(domain, types, message), { caseInsensitive: true });
  }
  return chk;
}

async function viemTypedData(c, key) {
  const chk = new Check();
  const td = clone(c.input.typed_data);
  const exp = c.expected;
  const { primaryType, domain, message } = td;
  // hashTypedData derives EIP712Domain itself when types lack it; the
  // lower-level hashDomain/hashStruct need it spelled out (same derivation).
  const fullTypes = { EIP712Domain: viem.getTypesForEIP712Domain({ domain }), ...td.types };

  await chk.field('domainSeparator', exp.domainSeparator, () => viem.hashDomain({ domain, types: fullTypes }), { caseInsensitive: true });
  await chk.field('structHash', exp.structHash, () => viem.hashStruct({ data: message, primaryType, types: fullTypes }), { caseInsensitive: true });
  // viem does not export encodeType / hashType.
  for (const name of typeNames(exp)) {
    if (exp.encodeType?.[name] != null) chk.skip(`encodeType.${name}`);
    if (exp.typeHash?.[name] != null) chk.skip(`typeHash.${name}`);
  }
  const digest = await chk.compute('digest', () => viem.hashTypedData({ domain, types: td.types, primaryType, message }));
  if (digest !== undefined) await chk.field('digest', exp.digest, () => digest, { caseInsensitive: true });

  if (exp.signature != null && digest !== undefined) {
    await chk.field('signer', exp.signer, () => viem.recoverAddress({ hash: digest, signature: exp.signature }));
  }
  if (key) {
    const account = privateKeyToAccount(key.private_key);
    await chk.field('key.address', key.address, () => account.address);
    if (exp.signature == null) await chk.field('signer', exp.signer, () => account.address);
    await chk.field('signature', exp.signature, () => account.signTypedData({ domain, types: td.types, primaryType, message }), { caseInsensitive: true });
  }
  return chk;
}

async function sigUtilTypedData(c, key) {
  const chk = new Check();
  const td = clone(c.input.typed_data);
  const exp = c.expected;
  // eth-sig-util reads the domain type from types.EIP712Domain (an absent one
  // is treated as an empty struct), so hand it the canonical derivation.
  const types = { ...td.types };
  if (!Object.hasOwn(types, 'EIP712Domain')) types.EIP712Domain = deriveDomainType(td.domain);
  const data = { types, primaryType: td.primaryType, domain: td.domain, message: td.message };

  await chk.field('domainSeparator', exp.domainSeparator, () => hexOf(TypedDataUtils.eip712DomainHash(data, V4)), { caseInsensitive: true });
  await chk.field('structHash', exp.structHash, () => hexOf(TypedDataUtils.hashStruct(data.primaryType, data.message, types, V4)), { caseInsensitive: true });
  for (const name of typeNames(exp)) {
    await chk.field(`encodeType.${name}`, exp.encodeType?.[name], () => TypedDataUtils.encodeType(name, types));
    await chk.field(`typeHash.${name}`, exp.typeHash?.[name], () => hexOf(TypedDataUtils.hashType(name, types)), { caseInsensitive: true });
  }
  await chk.field('digest', exp.digest, () => hexOf(TypedDataUtils.eip712Hash(data, V4)), { caseInsensitive: true });

  if (exp.signature != null) {
    // recoverTypedSignature returns a lower-case address (no EIP-55 checksum).
    await chk.field('signer', exp.signer, () => sigUtil.recoverTypedSignature({ data, signature: exp.signature, version: V4 }), { caseInsensitive: true });
  }
  if (key) {
    if (exp.signature == null && exp.signer != null) chk.skip('signer');
    await chk.field('signature', exp.signature, () => sigUtil.signTypedData({ privateKey: keyBuffer(key.private_key), data, version: V4 }), { caseInsensitive: true });
  }
  return chk;
}

// ---------------------------------------------------------------------------
// personal_sign

function personalBytes(input) {
  const enc = input.encoding ?? 'utf8';
  if (typeof input.message !== 'string') throw new Error('input.message must be a string');
  if (enc === 'hex') {
    if (!HEX_BYTES_RE.test(input.message)) throw new Error(`input.message is not 0x-prefixed hex bytes: ${JSON.stringify(input.message)}`);
    return Buffer.from(input.message.slice(2), 'hex');
  }
  if (enc === 'utf8') return Buffer.from(input.message, 'utf8');
  throw new Error(`unknown personal_sign encoding ${JSON.stringify(enc)}`);
}

async function ethersPersonal(c, key) {
  const chk = new Check();
  const exp = c.expected;
  const enc = c.input.encoding ?? 'utf8';
  // ethers: a string is signed as its UTF-8 bytes, a Uint8Array as raw bytes.
  const msg = enc === 'hex' ? ethers.getBytes(c.input.message) : c.input.message;
  const digest = await chk.compute('digest', () => ethers.hashMessage(msg));
  if (digest !== undefined) await chk.field('digest', exp.digest, () => digest, { caseInsensitive: true });
  if (exp.signature != null && digest !== undefined) {
    await chk.field('signer', exp.signer, () => ethers.recoverAddress(digest, ethers.Signature.from(exp.signature)));
    await chk.field('signature.canonical', exp.signature, () => ethers.Signature.from(exp.signature).serialized, { caseInsensitive: true });
  }
  if (key) {
    const wallet = new ethers.Wallet(key.private_key);
    await chk.field('key.address', key.address, () => wallet.address);
    if (exp.signature == null) await chk.field('signer', exp.signer, () => wallet.address);
    await chk.field('signature', exp.signature, () => wallet.signMessage(msg), { caseInsensitive: true });
  }
  return chk;
}

async function viemPersonal(c, key) {
  const chk = new Check();
  const exp = c.expected;
  const enc = c.input.encoding ?? 'utf8';
  // viem: a string is signed as UTF-8, { raw } as bytes.
  const msg = enc === 'hex' ? { raw: c.input.message } : c.input.message;
  const digest = await chk.compute('digest', () => viem.hashMessage(msg));
  if (digest !== undefined) await chk.field('digest', exp.digest, () => digest, { caseInsensitive: true });
  if (exp.signature != null && digest !== undefined) {
    await chk.field('signer', exp.signer, () => viem.recoverAddress({ hash: digest, signature: exp.signature }));
  }
  if (key) {
    const account = privateKeyToAccount(key.private_key);
    await chk.field('key.address', key.address, () => account.address);
    if (exp.signature == null) await chk.field('signer', exp.signer, () => account.address);
    await chk.field('signature', exp.signature, () => account.signMessage({ message: msg }), { caseInsensitive: true });
  }
  return chk;
}

async function sigUtilPersonal(c, key) {
  const chk = new Check();
  const exp = c.expected;
  // eth-sig-util decodes any hex-looking *string* as bytes (MetaMask legacy
  // behaviour), so always hand it explicit bytes.
  const data = personalBytes(c.input);
  // eth-sig-util exposes no personal-message hash function.
  if (exp.digest != null) chk.skip('digest');
  if (exp.signature != null) {
    await chk.field('signer', exp.signer, () => sigUtil.recoverPersonalSignature({ data, signature: exp.signature }), { caseInsensitive: true });
  }
  if (key) {
    if (exp.signature == null && exp.signer != null) chk.skip('signer');
    await chk.field('signature', exp.signature, () => sigUtil.personalSign({ privateKey: keyBuffer(key.private_key), data }), { caseInsensitive: true });
  }
  return chk;
}

const CHECKERS = {
  typed_data: { ethers: ethersTypedData, viem: viemTypedData, '@metamask/eth-sig-util': sigUtilTypedData },
  personal_sign: { ethers: ethersPersonal, viem: viemPersonal, '@metamask/eth-sig-util': sigUtilPersonal },
};

/**
 * A sera_order case seen as the typed-data case it signs: the Order of expected.order in
 * expected.domain. Only the hashes and the signature are attested this way; the integer
 * amounts and the uuid_int are checked by the Python generator's own arithmetic.
 */
function asTypedCase(c) {
  if (c.kind !== 'sera_order') return c;
  const exp = c.expected;
  const expected = {};
  for (const f of ['domainSeparator', 'structHash', 'digest', 'signature', 'signer']) if (exp[f] != null) expected[f] = exp[f];
  return {
    ...c,
    kind: 'typed_data',
    input: { typed_data: { types: { Order: SERA_ORDER_FIELDS }, primaryType: 'Order', domain: exp.domain, message: exp.order }, key: c.input.key },
    expected,
  };
}

// ---------------------------------------------------------------------------
// Negative cases: does each implementation refuse the input, or sign it anyway?
// Accepting is not a failure of the attestation: it records that eip712kit's refusal is
// stricter than that implementation (the runner's --lenient forgives such cases).

async function probeTypedData(impl, td) {
  if (impl === 'ethers') {
    const limitation = ethersLimitation(td);
    if (limitation) return { status: 'unsupported', reason: limitation };
    const structTypes = { ...(td?.types ?? {}) };
    delete structTypes.EIP712Domain;
    return ethers.TypedDataEncoder.hash(td.domain, pruneTypes(structTypes, [td.primaryType]), td.message);
  }
  if (impl === 'viem') return viem.hashTypedData({ domain: td.domain, types: td.types, primaryType: td.primaryType, message: td.message });
  const types = { ...(td?.types ?? {}) };
  if (!Object.hasOwn(types, 'EIP712Domain')) types.EIP712Domain = deriveDomainType(td.domain);
  return hexOf(TypedDataUtils.eip712Hash({ types, primaryType: td.primaryType, domain: td.domain, message: td.message }, V4));
}

async function probePersonal(impl, input) {
  const { message } = input;
  const hex = (input.encoding ?? 'utf8') === 'hex';
  if (impl === 'ethers') return ethers.hashMessage(hex ? ethers.getBytes(message) : message);
  if (impl === 'viem') return viem.hashMessage(hex ? { raw: message } : message);
  // eth-sig-util takes hex strings as bytes and other strings as text (legacy MetaMask rules).
  const data = !hex && typeof message === 'string' ? Buffer.from(message, 'utf8') : message;
  return sigUtil.recoverPersonalSignature({ data, signature: PROBE_SIGNATURE });
}

async function probe(c, impl) {
  try {
    const out = c.kind === 'typed_data' ? await probeTypedData(impl, c.input?.typed_data) : await probePersonal(impl, c.input ?? {});
    if (out && typeof out === 'object' && out.status) return out;
    return { status: 'accepted', digest: out };
  } catch (e) {
    return { status: 'refused', reason: errMessage(e) };
  }
}

export function fingerprint(input) {
  return `0x${createHash('sha256').update(JSON.stringify(input), 'utf8').digest('hex')}`;
}

// ---------------------------------------------------------------------------
// Vector files

function unsafeNumbers(value, path = '', out = []) {
  if (typeof value === 'number' && Number.isInteger(value) && !Number.isSafeInteger(value)) out.push(path || '(root)');
  else if (Array.isArray(value)) value.forEach((v, i) => unsafeNumbers(v, `${path}[${i}]`, out));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) unsafeNumbers(v, path ? `${path}.${k}` : k, out);
  return out;
}

/** Structural problems with a positive case; [] when fine. */
function caseProblems(c, keys) {
  const p = [];
  if (!c.input || typeof c.input !== 'object') return ['missing input'];
  if (!c.expected || typeof c.expected !== 'object') p.push('missing expected');
  if (c.kind === 'sera_order') {
    for (const f of ['order', 'domain', 'digest']) if (c.expected?.[f] == null) p.push(`missing expected.${f}`);
  } else if (c.kind === 'typed_data') {
    const td = c.input.typed_data;
    if (!td || typeof td !== 'object') p.push('missing input.typed_data');
    else for (const f of ['types', 'primaryType', 'domain', 'message']) if (td[f] == null) p.push(`missing input.typed_data.${f}`);
  } else {
    try {
      personalBytes(c.input);
    } catch (e) {
      p.push(errMessage(e));
    }
  }
  if (c.input.key != null && !keys?.[c.input.key]?.private_key) p.push(`unknown key ${JSON.stringify(c.input.key)}`);
  const unsafe = unsafeNumbers(c.input);
  if (unsafe.length) p.push(`JSON number(s) beyond 2^53 lose precision: input.${unsafe.join(', input.')}`);
  return p;
}

function listVectorFiles(paths) {
  const files = [];
  for (const p of paths) {
    let st;
    try {
      st = statSync(p);
    } catch {
      throw new UsageError(`no such file or directory: ${p}`);
    }
    if (st.isDirectory()) {
      for (const name of readdirSync(p).sort()) if (name.endsWith('.json')) files.push({ path: join(p, name), fromDir: true });
    } else files.push({ path: p, fromDir: false });
  }
  return files;
}

class UsageError extends Error {}

/** Attest every file; returns the full report object. */
export async function attest(paths, { log = () => {} } = {}) {
  const report = {
    implementations: { ...VERSIONS, node: process.version },
    files: [],
    totals: Object.fromEntries(IMPLS.map((i) => [i, { checked: 0, unsupported: 0, failed: 0 }])),
    negative_totals: Object.fromEntries(IMPLS.map((i) => [i, { refused: 0, accepted: 0, unsupported: 0 }])),
    errors: [],
    ok: true,
  };
  const seen = new Map(); // case id -> file
  for (const { path, fromDir } of listVectorFiles(paths)) {
    const fileReport = {
      path,
      suite: null,
      cases: [],
      not_applicable: 0,
      counts: Object.fromEntries(IMPLS.map((i) => [i, { checked: 0, unsupported: 0, failed: 0 }])),
      negatives: [],
      negative_counts: Object.fromEntries(IMPLS.map((i) => [i, { refused: 0, accepted: 0, unsupported: 0 }])),
      errors: [],
    };
    let doc;
    try {
      doc = JSON.parse(readFileSync(path, 'utf8'));
    } catch (e) {
      fileReport.errors.push(`cannot read vector file: ${errMessage(e)}`);
    }
    if (doc !== undefined) {
      const isVectors = doc && typeof doc.format === 'string' && doc.format.startsWith(FORMAT_PREFIX);
      if (!isVectors) {
        if (fromDir) {
          fileReport.skipped = `not a vector file (format ${JSON.stringify(doc?.format)})`;
          report.files.push(fileReport);
          continue;
        }
        fileReport.errors.push(`not an ${FORMAT_PREFIX}* file (format ${JSON.stringify(doc?.format)})`);
      } else if (!Array.isArray(doc.cases)) fileReport.errors.push('"cases" is not an array');
    }
    if (fileReport.errors.length) {
      report.files.push(fileReport);
      continue;
    }
    fileReport.suite = doc.suite ?? null;
    fileReport.format = doc.format;

    for (const c of doc.cases) {
      const id = c?.id;
      if (typeof id !== 'string') {
        fileReport.errors.push(`case without a string id: ${JSON.stringify(c).slice(0, 80)}`);
        continue;
      }
      if (seen.has(id)) fileReport.errors.push(`duplicate case id ${id} (also in ${seen.get(id)})`);
      seen.set(id, path);
      if (c.error != null && PROBED_KINDS.has(c.kind)) {
        const neg = { id, kind: c.kind, error: c.error?.code ?? null, input_sha256: fingerprint(c.input), results: {} };
        for (const impl of IMPLS) {
          const r = await probe(c, impl);
          neg.results[impl] = r;
          fileReport.negative_counts[impl][r.status] += 1;
        }
        fileReport.negatives.push(neg);
        continue;
      }
      if (c.error != null || !POSITIVE_KINDS.has(c.kind)) {
        fileReport.not_applicable += 1;
        continue;
      }
      const caseReport = { id, kind: c.kind, digest: c.expected?.digest ?? null, results: {} };
      const problems = caseProblems(c, doc.keys);
      if (problems.length) {
        caseReport.errors = problems;
        for (const impl of IMPLS) {
          caseReport.results[impl] = { status: 'failed', problems: problems.map((error) => ({ field: 'case', error })) };
          fileReport.counts[impl].failed += 1;
        }
        fileReport.cases.push(caseReport);
        continue;
      }
      const key = c.input.key != null ? doc.keys[c.input.key] : null;
      for (const impl of IMPLS) {
        let chk;
        try {
          const tc = asTypedCase(c);
          chk = await CHECKERS[tc.kind][impl](tc, key);
        } catch (e) {
          chk = new Check();
          chk.problems.push({ field: '(checker)', error: errMessage(e) });
        }
        const r = chk.toJSON();
        caseReport.results[impl] = r;
        fileReport.counts[impl][r.status] += 1;
      }
      log(caseReport);
      fileReport.cases.push(caseReport);
    }
    report.files.push(fileReport);
  }
  for (const f of report.files) {
    for (const impl of IMPLS) for (const k of ['checked', 'unsupported', 'failed']) report.totals[impl][k] += f.counts[impl][k];
    for (const impl of IMPLS) for (const k of ['refused', 'accepted', 'unsupported']) report.negative_totals[impl][k] += f.negative_counts?.[impl]?.[k] ?? 0;
    if (f.errors.length) report.ok = false;
  }
  if (IMPLS.some((i) => report.totals[i].failed)) report.ok = false;
  return report;
}

// ---------------------------------------------------------------------------
// Output

function sortKeysDeep(v) {
  if (Array.isArray(v)) return v.map(sortKeysDeep);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeysDeep(v[k])]));
  return v;
}

export function recordOf(report) {
  const cases = {};
  for (const f of report.files) {
    for (const c of f.cases) {
      cases[c.id] = {
        digest: c.digest,
        attested_by: IMPLS.filter((i) => c.results[i]?.status === 'checked').map((i) => `${i}@${report.implementations[i]}`).sort(),
      };
    }
    for (const n of f.negatives ?? []) {
      const by = (status) => IMPLS.filter((i) => n.results[i]?.status === status).map((i) => `${i}@${report.implementations[i]}`).sort();
      cases[n.id] = { error: n.error, input_sha256: n.input_sha256, accepted_by: by('accepted'), refused_by: by('refused') };
    }
  }
  return sortKeysDeep({ implementations: report.implementations, cases });
}

function fmtValue(v) {
  return v === undefined ? '(nothing)' : JSON.stringify(v);
}

function printText(report, { verbose, out = console.log }) {
  const cwd = process.cwd();
  out(`attest: ethers ${VERSIONS.ethers}, viem ${VERSIONS.viem}, @metamask/eth-sig-util ${VERSIONS['@metamask/eth-sig-util']}, node ${process.version}`);
  const width = Math.max(...IMPLS.map((i) => i.length));
  for (const f of report.files) {
    const rel = relative(cwd, f.path);
    const name = rel && !rel.startsWith('..') ? rel : f.path;
    if (f.skipped) {
      out(`\n${name}: skipped, ${f.skipped}`);
      continue;
    }
    const negatives = f.negatives?.length ?? 0;
    out(`\n${name}${f.suite ? ` (suite ${f.suite})` : ''}: ${f.cases.length} positive case(s)${negatives ? `, ${negatives} negative case(s) probed` : ''}, ${f.not_applicable} not applicable`);
    for (const e of f.errors) out(`  FAIL [file] ${e}`);
    for (const c of f.cases) {
      for (const impl of IMPLS) {
        const r = c.results[impl];
        if (r.status === 'failed') {
          for (const p of r.problems) {
            if ('error' in p) out(`  FAIL ${c.id} [${impl}] ${p.field}: error: ${p.error}${p.expected !== undefined ? ` (expected ${fmtValue(p.expected)})` : ''}`);
            else out(`  FAIL ${c.id} [${impl}] ${p.field}: expected ${fmtValue(p.expected)} got ${fmtValue(p.got)}`);
          }
        } else if (r.status === 'unsupported') {
          out(`  UNSUPPORTED ${c.id} [${impl}] ${r.reason}`);
        } else if (verbose) {
          out(`  ok ${c.id} [${impl}] ${r.checked.join(' ')}${r.skipped ? ` (not exposed: ${r.skipped.join(' ')})` : ''}`);
        }
      }
    }
    for (const n of f.negatives ?? []) {
      for (const impl of IMPLS) {
        const r = n.results[impl];
        if (r.status === 'accepted' && verbose) out(`  ACCEPTS ${n.id} [${impl}] an input eip712kit refuses with ${n.error} (digest ${r.digest})`);
        else if (r.status === 'refused' && verbose) out(`  refuses ${n.id} [${impl}] ${r.reason}`);
      }
    }
    for (const impl of IMPLS) {
      const n = f.counts[impl];
      const g = f.negative_counts?.[impl];
      out(`  ${impl.padEnd(width)}  checked ${n.checked}  unsupported ${n.unsupported}  failed ${n.failed}${negatives ? `  | negatives: refused ${g.refused}  accepted ${g.accepted}  unsupported ${g.unsupported}` : ''}`);
    }
  }
  out('\nTOTAL');
  for (const impl of IMPLS) {
    const n = report.totals[impl];
    const g = report.negative_totals[impl];
    out(`  ${`${impl}@${report.implementations[impl]}`.padEnd(width + 10)}  checked ${n.checked}  unsupported ${n.unsupported}  failed ${n.failed}  | negatives: refused ${g.refused}  accepted ${g.accepted}  unsupported ${g.unsupported}`);
  }
  out('(an accepted negative case is not a failure: that implementation is laxer than eip712kit; --verbose lists them)');
  const fileErrors = report.files.reduce((a, f) => a + f.errors.length, 0);
  if (fileErrors) out(`  vector file errors: ${fileErrors}`);
  out(report.ok ? 'attest: OK, no disagreement' : 'attest: FAILED, see FAIL lines above');
}

const USAGE = `usage: node attest.mjs [--json] [--verbose] [--record FILE] [PATH ...]
  PATH          vector file or directory of *.json (default: ${relative(process.cwd(), resolve(HERE, '../../vectors')) || '.'})
  --json        print a machine-readable report on stdout instead of text
  --verbose     also list every case that checked clean
  --record FILE write {implementations, cases: {id: {digest, attested_by}}} to FILE
exit: 0 all agree, 1 any failure, 2 usage error / no vector file`;

async function main(argv) {
  const paths = [];
  let json = false;
  let verbose = false;
  let record = null;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') json = true;
    else if (a === '--verbose' || a === '-v') verbose = true;
    else if (a === '--record') {
      record = argv[++i];
      if (!record) throw new UsageError('--record needs a FILE');
    } else if (a.startsWith('--record=')) record = a.slice('--record='.length);
    else if (a === '--help' || a === '-h') {
      console.log(USAGE);
      return 0;
    } else if (a.startsWith('-') && a !== '-') throw new UsageError(`unknown option ${a}`);
    else paths.push(a);
  }
  if (!paths.length) paths.push(resolve(HERE, '../../vectors'));
  const report = await attest(paths);
  const vectorFiles = report.files.filter((f) => !f.skipped);
  if (!vectorFiles.length) throw new UsageError(`no vector file found in ${paths.join(', ')}`);
  if (record) writeFileSync(record, `${JSON.stringify(recordOf(report), null, 2)}\n`);
  if (json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else printText(report, { verbose });
  return report.ok ? 0 : 1;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      if (e instanceof UsageError) {
        console.error(`attest: ${e.message}\n${USAGE}`);
        process.exitCode = 2;
      } else {
        console.error(`attest: internal error: ${e?.stack ?? e}`);
        process.exitCode = 1;
      }
    },
  );
}
