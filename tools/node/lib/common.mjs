// Shared, implementation-neutral helpers for the implementations (impls/), the
// adapters and attest.mjs.  Nothing in here computes a hash: every hash,
// signature and recovery is done by the libraries under test.  Nothing in here
// decides what a library cannot do either: each implementation declares that as
// the vectors' feature tags (impls/*.mjs), and the tags come from the vectors.

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Canonical EIP712Domain field order and types (EIP-712, ethers, viem). */
export const CANONICAL_DOMAIN_FIELDS = [
  ['name', 'string'],
  ['version', 'string'],
  ['chainId', 'uint256'],
  ['verifyingContract', 'address'],
  ['salt', 'bytes32'],
];

/**
 * The EIP712Domain type derived from the domain's keys, in canonical order.
 * Keys whose value is null/undefined are not part of the domain (as in ethers
 * and viem). Unknown keys are not representable and are ignored here.
 */
export function deriveDomainType(domain) {
  const d = domain ?? {};
  return CANONICAL_DOMAIN_FIELDS.filter(([name]) => d[name] != null).map(([name, type]) => ({ name, type }));
}

/**
 * The document's types with EIP712Domain declared: as given, or derived from the domain's keys for a
 * library that reads the domain type only from `types` (an absent one would hash as an empty struct).
 */
export function withDomainType(td) {
  if (Object.hasOwn(td.types, 'EIP712Domain')) return td.types;
  return { ...td.types, EIP712Domain: deriveDomainType(td.domain) };
}

/** The declaration of a strictness an implementation lacks: the vectors' accepted_by records the case. */
export const LAXER = "signs it (laxer than eip712kit; recorded in the vectors' accepted_by)";

/** "Person[][3]" -> "Person" */
export function baseType(type) {
  return String(type).replace(/(\[[0-9]*\])+$/, '');
}

/** Struct types reachable from `name` (itself included when it is a struct). */
export function reachableTypes(types, name, acc = new Set()) {
  const base = baseType(name);
  if (acc.has(base) || !Object.hasOwn(types, base)) return acc;
  acc.add(base);
  for (const field of types[base] ?? []) reachableTypes(types, field.type, acc);
  return acc;
}

/** Sub-map of `types` restricted to the types reachable from each root. */
export function pruneTypes(types, roots) {
  const keep = new Set();
  for (const r of roots) reachableTypes(types, r, keep);
  const out = {};
  for (const name of Object.keys(types)) if (keep.has(name)) out[name] = types[name];
  return out;
}

/** Walk up from a module's resolved entry point to its package.json. */
export function packageVersion(name) {
  let dir = dirname(fileURLToPath(import.meta.resolve(name)));
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      if (pkg.name === name) return pkg.version;
    } catch {
      // keep walking up
    }
    const up = dirname(dir);
    if (up === dir) throw new Error(`package.json of ${name} not found`);
    dir = up;
  }
}

export const HEX_BYTES_RE = /^0x([0-9a-fA-F]{2})*$/;

export function errMessage(e) {
  if (e == null) return String(e);
  const msg = e.shortMessage ?? e.message ?? String(e);
  return String(msg).split('\n')[0];
}

/** Thrown by an implementation for an input it refuses (the library threw) or a bad request. */
export class Refusal extends Error {
  constructor(message, code = 'INVALID') {
    super(message);
    this.code = code;
  }
}

/**
 * A utf8 personal_sign message as text a process argument or a JSON-RPC hex string can carry: a lone
 * surrogate has no UTF-8 form, so for a tool that takes bytes it cannot be handed over at all
 * (UNSUPPORTED, not a refusal by the tool).
 */
export function carriableText(input) {
  if ((input?.encoding ?? 'utf8') === 'utf8' && typeof input?.message === 'string' && !input.message.isWellFormed()) {
    throw new Refusal('a lone surrogate has no UTF-8 form: it cannot be handed over as bytes', 'UNSUPPORTED');
  }
}

/** The bytes a personal_sign request signs: UTF-8 of the text, or the 0x-hex bytes. */
export function personalBytes(input) {
  const enc = input?.encoding ?? 'utf8';
  if (typeof input?.message !== 'string') throw new Refusal('input.message must be a string');
  if (enc === 'hex') {
    if (!HEX_BYTES_RE.test(input.message)) throw new Refusal(`input.message is not 0x-prefixed hex bytes: ${JSON.stringify(input.message).slice(0, 60)}`);
    return new Uint8Array(Buffer.from(input.message.slice(2), 'hex'));
  }
  if (enc === 'utf8') return new Uint8Array(Buffer.from(input.message, 'utf8'));
  throw new Refusal(`unknown personal_sign encoding ${JSON.stringify(enc)}`);
}

/** The typed-data document of a request, checked for the four members every library needs. */
export function typedDocument(input) {
  const td = input?.typed_data;
  if (!td || typeof td !== 'object' || Array.isArray(td)) throw new Refusal('input.typed_data must be an object');
  for (const f of ['types', 'primaryType', 'domain', 'message']) if (td[f] == null) throw new Refusal(`typed_data.${f} is missing`);
  if (typeof td.types !== 'object' || Array.isArray(td.types)) throw new Refusal('typed_data.types must be an object');
  return structuredClone(td);
}

/** The struct types of a document without EIP712Domain (what ethers-style encoders take). */
export function structTypes(types) {
  const out = { ...types };
  delete out.EIP712Domain;
  return out;
}

/** Names whose encodeType a result reports: EIP712Domain, then every struct reachable from primaryType, sorted. */
export function reportedTypeNames(types, primaryType) {
  if (primaryType === 'EIP712Domain') return [];
  return [...reachableTypes(structTypes(types), primaryType)].sort();
}

export const toHex = (bytes) => `0x${Buffer.from(bytes).toString('hex')}`;
