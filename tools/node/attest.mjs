#!/usr/bin/env node
// Independent attestation of eip712kit golden vectors, by every implementation in impls/.
//
//   node attest.mjs [--json] [--verbose] [--only ID,ID] [--record FILE | --check FILE] [PATH ...]
//
// For each implementation (ethers v6, ethers v5, viem, ox, micro-eth-signer, web3.js,
// @metamask/eth-sig-util) and each typed_data / personal_sign / sera_order case:
//   positive: pass (every value it computes equals the vector's), differs, refuses (it threw),
//             or not-expressible (the case carries a feature tag the implementation declares);
//   negative: refuses or accepts (it signed an input eip712kit refuses), or not-expressible.
// Feature tags are read from the vectors (never derived here); declarations from impls/*.mjs.
// A declared refusal tag (…-refusal) does not stop a negative case from being probed: its
// accepts/refuses is recorded.  --record FILE replaces these implementations' entries in the
// attestation record (lib/record.mjs; other recorders' entries are kept); --check FILE exits 1 when
// the record is not what this run gives.  Exit 0: no positive case differs or is refused without a
// declaration (with --check: the record is exactly this run, recorded disagreements included); 1:
// otherwise; 2: usage error.  See README.md.

import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { IMPLEMENTATIONS } from './impls/index.mjs';
import { Refusal } from './lib/common.mjs';
import { RecordError, differences, load, merge, verdictText, write } from './lib/record.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const FORMAT_PREFIX = 'eip712kit-vectors/';
const KINDS = new Set(['typed_data', 'personal_sign', 'sera_order']);
const REFUSAL = /-refusal$/;
const SERA_ORDER_FIELDS = [
  ['user', 'address'], ['expiration', 'uint48'], ['feeBps', 'uint48'], ['recipient', 'address'],
  ['fromToken', 'address'], ['toToken', 'address'], ['fromAmount', 'uint256'], ['toAmount', 'uint256'],
  ['initialDepositAmount', 'uint256'], ['uuid', 'uint256'],
].map(([name, type]) => ({ name, type }));
// The Sera Order struct as the Sera document declares it: a sera_order case is attested as the typed data it signs.

class UsageError extends Error {}

function asTyped(c, keys) {
  const key = c.input?.key != null ? keys?.[c.input.key]?.private_key : undefined;
  if (c.kind === 'sera_order') {
    const e = c.expected;
    const expected = Object.fromEntries(['domainSeparator', 'structHash', 'digest', 'signature', 'signer'].filter((f) => e[f] != null).map((f) => [f, e[f]]));
    return { op: 'typed_data', expected, input: { typed_data: { types: { Order: SERA_ORDER_FIELDS }, primaryType: 'Order', domain: e.domain, message: e.order }, private_key: key } };
  }
  const input = { ...c.input };
  delete input.key;
  if (key) input.private_key = key;
  return { op: c.kind, expected: c.expected, input };
}

const isHex = (v) => typeof v === 'string' && /^0x[0-9a-fA-F]*$/.test(v);
function same(a, b) {
  if (isHex(a) && isHex(b)) return a.toLowerCase() === b.toLowerCase();
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Compare every expected field the implementation reported; returns {compared, problems}. */
function compare(expected, got) {
  const problems = [];
  let compared = 0;
  for (const [field, want] of Object.entries(expected ?? {})) {
    if (got?.[field] == null) continue;
    if (want && typeof want === 'object') {
      for (const [k, w] of Object.entries(want)) {
        if (got[field][k] == null) continue;
        compared += 1;
        if (!same(w, got[field][k])) problems.push({ field: `${field}.${k}`, expected: w, got: got[field][k] });
      }
    } else {
      compared += 1;
      if (!same(want, got[field])) problems.push({ field, expected: want, got: got[field] });
    }
  }
  return { compared, problems };
}

async function judge(impl, c, keys) {
  const tags = c.features ?? [];
  const declared = tags.filter((t) => Object.hasOwn(impl.unsupported, t));
  const structural = declared.filter((t) => !REFUSAL.test(t));
  const negative = c.error != null;
  if (structural.length || (!negative && declared.length)) {
    return { status: 'not-expressible', reason: declared.map((t) => `${t}: ${impl.unsupported[t]}`).join('; ') };
  }
  const { op, expected, input } = asTyped(c, keys);
  if (!Object.hasOwn(impl.ops, op)) return { status: 'not-expressible', reason: `no ${op}` };
  let got;
  try {
    got = await impl.ops[op](structuredClone(input));
  } catch (e) {
    const reason = String(e?.shortMessage ?? e?.message ?? e).split('\n')[0].slice(0, 200);
    return { status: e instanceof Refusal && e.code === 'UNSUPPORTED' ? 'not-expressible' : 'refuses', reason };
  }
  if (negative) return { status: 'accepts' };
  const { compared, problems } = compare(expected, got);
  if (problems.length) return { status: 'differs', problems };
  if (!compared) return { status: 'not-expressible', reason: 'computes none of the expected values' };
  return { status: 'pass' };
}

function vectorFiles(paths) {
  const out = [];
  for (const p of paths) {
    let st;
    try {
      st = statSync(p);
    } catch {
      throw new UsageError(`no such file or directory: ${p}`);
    }
    const names = st.isDirectory() ? readdirSync(p).sort().filter((n) => n.endsWith('.json')).map((n) => join(p, n)) : [p];
    for (const name of names) {
      const doc = JSON.parse(readFileSync(name, 'utf8'));
      if (typeof doc?.format === 'string' && doc.format.startsWith(FORMAT_PREFIX) && Array.isArray(doc.cases)) out.push({ path: name, doc });
      else if (!st.isDirectory()) throw new UsageError(`${name} is not an ${FORMAT_PREFIX}* file`);
    }
  }
  if (!out.length) throw new UsageError(`no vector file found in ${paths.join(', ')}`);
  return out;
}

export async function attest(paths, impls = Object.values(IMPLEMENTATIONS)) {
  const report = { implementations: Object.fromEntries(impls.map((i) => [i.package, i.version])), cases: [], totals: {}, ok: true };
  for (const impl of impls) report.totals[impl.package] = { pass: 0, differs: 0, refuses: 0, accepts: 0, 'not-expressible': 0 };
  for (const { doc } of vectorFiles(paths)) {
    for (const c of doc.cases) {
      if (!KINDS.has(c.kind) || (c.error != null && c.kind === 'sera_order')) continue;
      const entry = { id: c.id, negative: c.error != null, case: c, results: {} };
      for (const impl of impls) {
        const r = await judge(impl, c, doc.keys);
        entry.results[impl.package] = r;
        report.totals[impl.package][r.status] += 1;
        if (!entry.negative && (r.status === 'differs' || r.status === 'refuses')) report.ok = false;
      }
      report.cases.push(entry);
    }
  }
  return report;
}

const RECORDER = 'tools/node/attest.mjs';

function note(r) {
  if (r.status === 'differs') return r.problems.map((p) => p.field).join(', ');
  return r.status === 'refuses' ? r.reason : '';
}

/** Each implementation's entry in the attestation record (format: lib/record.mjs, tools/attestations.py). */
export function recordOf(report, impls) {
  const entries = {};
  for (const impl of impls) {
    const cases = {};
    for (const c of report.cases) {
      const r = c.results[impl.package];
      cases[c.id] = verdictText(r.status, c.case, note(r));
    }
    entries[impl.package] = {
      version: impl.version,
      language: impl.language ?? 'JavaScript',
      api: impl.api,
      recorder: RECORDER,
      runtime: `node ${process.version}`,
      unsupported: Object.keys(impl.unsupported).sort(),
      cases,
    };
  }
  return entries;
}

function printText(report, verbose) {
  const out = console.log;
  out(`attest: ${Object.entries(report.implementations).map(([p, v]) => `${p}@${v}`).join(', ')}, node ${process.version}`);
  for (const c of report.cases) {
    for (const [p, r] of Object.entries(c.results)) {
      if (!c.negative && (r.status === 'differs' || r.status === 'refuses')) {
        out(`FAIL ${c.id} [${p}] ${r.status}: ${r.reason ?? r.problems.map((x) => `${x.field}: expected ${JSON.stringify(x.expected)} got ${JSON.stringify(x.got)}`).join('; ')}`);
      } else if (verbose) out(`${r.status.padEnd(15)} ${c.id} [${p}]${r.reason ? ` ${r.reason}` : ''}`);
    }
  }
  out('');
  for (const [p, t] of Object.entries(report.totals)) out(`${`${p}@${report.implementations[p]}`.padEnd(34)} ${Object.entries(t).map(([k, n]) => `${k} ${n}`).join('  ')}`);
  out(report.ok ? 'attest: OK, no undeclared disagreement' : 'attest: FAILED, see FAIL lines above');
}

async function main(argv) {
  const paths = [];
  let json = false;
  let verbose = false;
  let record = null;
  let check = null;
  let only = null;
  const value = (i, flag) => argv[i] ?? (() => { throw new UsageError(`${flag} needs a value`); })();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') json = true;
    else if (a === '--verbose' || a === '-v') verbose = true;
    else if (a === '--record') record = value(++i, a);
    else if (a === '--check') check = value(++i, a);
    else if (a === '--only') only = value(++i, a).split(',');
    else if (a.startsWith('-')) throw new UsageError(`unknown option ${a}`);
    else paths.push(a);
  }
  if (!paths.length) paths.push(resolve(HERE, '../../vectors'));
  if (record && check) throw new UsageError('--record and --check exclude each other');
  const unknown = (only ?? []).filter((id) => !Object.hasOwn(IMPLEMENTATIONS, id));
  if (unknown.length) throw new UsageError(`--only: no implementation ${unknown.join(', ')}; one of: ${Object.keys(IMPLEMENTATIONS).join(', ')}`);
  const impls = only ? only.map((id) => IMPLEMENTATIONS[id]) : Object.values(IMPLEMENTATIONS);
  let report;
  try {
    report = await attest(paths, impls);
  } finally {
    await Promise.all(impls.map((i) => i.close?.()));
  }
  let stale = [];
  try {
    if (record) write(record, merge(load(record), recordOf(report, impls)));
    if (check) stale = differences(load(check), recordOf(report, impls));
  } catch (e) {
    if (e instanceof RecordError) throw new UsageError(e.message);
    throw e;
  }
  if (json) process.stdout.write(`${JSON.stringify(report, (k, v) => (k === 'case' ? undefined : v), 2)}\n`);
  else printText(report, verbose);
  for (const line of stale) console.log(`STALE ${line}`);
  if (stale.length) console.log(`attest: the record ${check} is not what this run gives: record it again (node attest.mjs --record ${check})`);
  // --check: the record must be exactly this run (a disagreement it already shows is known); otherwise any undeclared one fails
  return (check ? !stale.length : report.ok) ? 0 : 1;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (e) => {
    console.error(`attest: ${e instanceof UsageError ? e.message : e?.stack ?? e}`);
    process.exitCode = e instanceof UsageError ? 2 : 1;
  });
}
