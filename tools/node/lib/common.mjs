// Shared, implementation-neutral helpers for attest.mjs and signer-adapter.mjs.
// Nothing in here computes a hash: every hash, signature and recovery is
// done by the libraries under test.

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

/** Domain keys that have a non-null value but no canonical type. */
export function unknownDomainKeys(domain) {
  const known = new Set(CANONICAL_DOMAIN_FIELDS.map(([n]) => n));
  return Object.keys(domain ?? {}).filter((k) => domain[k] != null && !known.has(k));
}

export function sameFields(a, b) {
  if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
  return a.every((f, i) => f && f.name === b[i].name && f.type === b[i].type);
}

export function fieldsToString(fields) {
  return (fields ?? []).map((f) => `${f.type} ${f.name}`).join(',');
}

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

/**
 * First reference cycle among the struct types reachable from `roots`, as a
 * path like ["Person", "Person"] or ["A", "B", "A"]; null when acyclic.
 */
export function findCycle(types, roots) {
  const state = new Map(); // name -> 1 visiting, 2 done
  const stack = [];
  function visit(name) {
    state.set(name, 1);
    stack.push(name);
    for (const field of types[name] ?? []) {
      const child = baseType(field.type);
      if (!Object.hasOwn(types, child)) continue;
      if (state.get(child) === 1) return [...stack.slice(stack.indexOf(child)), child];
      if (!state.has(child)) {
        const found = visit(child);
        if (found) return found;
      }
    }
    stack.pop();
    state.set(name, 2);
    return null;
  }
  for (const r of roots) {
    const b = baseType(r);
    if (Object.hasOwn(types, b) && !state.has(b)) {
      const found = visit(b);
      if (found) return found;
    }
  }
  return null;
}

/**
 * Why ethers v6 cannot process this typed-data document, or null if it can.
 * Only documented ethers behaviours are reported:
 *  - ethers builds the EIP712Domain type itself from the domain's keys
 *    (TypedDataEncoder.hashDomain / getPayload: "types must not contain
 *    EIP712Domain type"), so a types.EIP712Domain that differs from that
 *    derivation cannot be honoured;
 *  - ethers has no "primaryType EIP712Domain" mode (MetaMask / viem sign
 *    keccak256(0x1901 || domainSeparator) without a message hash);
 *  - ethers refuses circular type references ("circular type reference").
 * `extraRoots` are further type names whose encodeType is requested.
 */
export function ethersLimitation(td, extraRoots = []) {
  const types = td?.types ?? {};
  if (td?.primaryType === 'EIP712Domain') {
    return 'primaryType is EIP712Domain: ethers v6 has no domain-only signing mode (MetaMask/viem hash keccak256(0x1901 || domainSeparator)) and rejects EIP712Domain in types';
  }
  if (Object.hasOwn(types, 'EIP712Domain')) {
    const unknown = unknownDomainKeys(td.domain);
    const derived = deriveDomainType(td.domain);
    if (unknown.length || !sameFields(types.EIP712Domain, derived)) {
      return `types.EIP712Domain (${fieldsToString(types.EIP712Domain)}) differs from the derivation from the domain's keys (${fieldsToString(derived)}${unknown.length ? `; unknown keys ${unknown.join(',')}` : ''}); ethers v6 always derives EIP712Domain from the domain`;
    }
  }
  const structTypes = { ...types };
  delete structTypes.EIP712Domain;
  const roots = [td?.primaryType, ...extraRoots].filter((n) => n && n !== 'EIP712Domain');
  const cycle = findCycle(structTypes, roots);
  if (cycle) return `recursive type reference ${cycle.join(' -> ')}: ethers v6 refuses circular types`;
  return null;
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
