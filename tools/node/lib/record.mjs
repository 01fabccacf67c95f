// The attestation record (vectors/attestations.json, format eip712kit-attestations/2) as attest.mjs
// writes it. The format, and its Python reader and writer, are tools/attestations.py; this file
// writes the same bytes: one entry per implementation, each owned by one recorder, keys sorted,
// indent 2. A recorder replaces only its own entries, so node and Python recorders never clobber
// each other (docs/vectors.md, "Attestation").

import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';

export const FORMAT = 'eip712kit-attestations/2';
const FINGERPRINT_DIGITS = 16;
const NOTE_LIMIT = 160;
const INFORMATIVE = new Set(['runtime']);

export class RecordError extends Error {}

/** 0x + 16 hex digits: of the expected digest (positive case), or of sha256(JSON.stringify(input)) (negative). */
export function fingerprint(c) {
  const digest = c.expected?.digest;
  if (c.error == null && typeof digest === 'string' && digest.startsWith('0x')) return digest.slice(0, 2 + FINGERPRINT_DIGITS).toLowerCase();
  return `0x${createHash('sha256').update(JSON.stringify(c.input), 'utf8').digest('hex').slice(0, FINGERPRINT_DIGITS)}`;
}

/** One case's verdict text; a note only on a positive case's differs/refuses, one printable line. */
export function verdictText(status, c, note = '') {
  let text = `${status} ${fingerprint(c)}`;
  if (note && c.error == null && (status === 'differs' || status === 'refuses')) {
    // eslint-disable-next-line no-control-regex
    const clean = String(note).replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ').replace(/\s+/g, ' ').trim();
    if (clean) text += ` ${[...clean].slice(0, NOTE_LIMIT).join('')}`;
  }
  return text;
}

export function sortKeysDeep(v) {
  if (Array.isArray(v)) return v.map(sortKeysDeep);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeysDeep(v[k])]));
  return v;
}

export const dump = (record) => `${JSON.stringify(sortKeysDeep(record), null, 2)}\n`;

export function load(path) {
  if (!existsSync(path)) return { format: FORMAT, implementations: {} };
  const record = JSON.parse(readFileSync(path, 'utf8'));
  if (record?.format !== FORMAT || typeof record.implementations !== 'object') {
    throw new RecordError(`${path} is not an ${FORMAT} record (format ${JSON.stringify(record?.format)})`);
  }
  return record;
}

/** The record with each of `entries` replacing the entry of its name; an entry owned by another recorder is an error. */
export function merge(record, entries) {
  const implementations = { ...record.implementations };
  for (const [name, entry] of Object.entries(entries)) {
    const old = implementations[name];
    if (old && old.recorder !== entry.recorder) {
      throw new RecordError(`${JSON.stringify(name)} is recorded by ${old.recorder}, not ${entry.recorder}: one implementation has one recorder (delete its entry first to move it)`);
    }
    implementations[name] = entry;
  }
  return { format: FORMAT, implementations };
}

export function write(path, record) {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, dump(record));
  renameSync(tmp, path);
}

/** How the recomputed entries differ from the record (runtime not compared): what --check prints. */
export function differences(record, entries) {
  const out = [];
  for (const [name, entry] of Object.entries(entries)) {
    const old = record.implementations[name];
    if (!old) {
      out.push(`${name}: not in the record`);
      continue;
    }
    for (const field of new Set([...Object.keys(old), ...Object.keys(entry)])) {
      if (INFORMATIVE.has(field) || field === 'cases') continue;
      if (JSON.stringify(sortKeysDeep(old[field])) !== JSON.stringify(sortKeysDeep(entry[field]))) {
        out.push(`${name}: ${field} is ${JSON.stringify(old[field])} in the record, ${JSON.stringify(entry[field])} now`);
      }
    }
    const ids = [...new Set([...Object.keys(old.cases ?? {}), ...Object.keys(entry.cases ?? {})])].sort();
    const changed = ids.filter((id) => old.cases?.[id] !== entry.cases?.[id]);
    for (const id of changed.slice(0, 10)) out.push(`${name}: ${id}: ${JSON.stringify(old.cases?.[id] ?? null)} in the record, ${JSON.stringify(entry.cases?.[id] ?? null)} now`);
    if (changed.length > 10) out.push(`${name}: ... and ${changed.length - 10} more case(s)`);
  }
  return out;
}
