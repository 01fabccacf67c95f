// Self-test of attest.mjs and signer-adapter.mjs on hand-made fixtures whose
// expected values were computed with eth-account (see make_fixtures.py).
//
//   cd tools/node && npm ci && npm test

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = dirname(HERE);
const GOOD = join(HERE, 'fixtures', 'good');
const BAD = join(HERE, 'fixtures', 'bad');
const ETHERS_UNSUPPORTED = {
  'selftest/recursive-person': /recursive type reference Person -> Person/,
  'selftest/mutual-recursion': /recursive type reference A -> B -> A/,
  'selftest/noncanonical-domain-order': /types\.EIP712Domain .* differs/,
  'selftest/primary-eip712domain': /primaryType is EIP712Domain/,
};

function attest(...args) {
  return spawnSync(process.execPath, [join(ROOT, 'attest.mjs'), ...args], { encoding: 'utf8' });
}

test('good fixtures: every implementation agrees, ethers limitations reported as unsupported', () => {
  const dir = mkdtempSync(join(tmpdir(), 'attest-'));
  try {
    const record = join(dir, 'record.json');
    const r = attest('--json', '--record', record, GOOD);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    const report = JSON.parse(r.stdout);
    assert.equal(report.ok, true);
    assert.deepEqual(report.totals, {
      ethers: { checked: 11, unsupported: 4, failed: 0 },
      viem: { checked: 15, unsupported: 0, failed: 0 },
      '@metamask/eth-sig-util': { checked: 15, unsupported: 0, failed: 0 },
    });
    // selftest/uuid is not a kind attest checks; selftest/bad-address is a negative case: probed, not checked.
    assert.equal(report.files[0].not_applicable, 1);
    assert.deepEqual(report.files[0].negatives.map((n) => n.id), ['selftest/bad-address']);
    for (const impl of ['ethers', 'viem', '@metamask/eth-sig-util']) {
      assert.ok(['refused', 'accepted'].includes(report.files[0].negatives[0].results[impl].status), impl);
    }
    for (const c of report.files[0].cases) {
      const e = c.results.ethers;
      if (ETHERS_UNSUPPORTED[c.id]) {
        assert.equal(e.status, 'unsupported', c.id);
        assert.match(e.reason, ETHERS_UNSUPPORTED[c.id]);
      } else assert.equal(e.status, 'checked', c.id);
    }
    const mail = report.files[0].cases.find((c) => c.id === 'selftest/mail');
    for (const f of ['digest', 'domainSeparator', 'structHash', 'signature', 'signer', 'encodeType.Mail', 'typeHash.Person']) {
      assert.ok(mail.results['@metamask/eth-sig-util'].checked.includes(f), f);
    }
    for (const f of ['digest', 'domainSeparator', 'structHash', 'signature', 'signer', 'encodeType.Mail', 'typeHash.Person']) {
      assert.ok(mail.results.ethers.checked.includes(f), f);
    }
    for (const f of ['digest', 'domainSeparator', 'structHash', 'signature', 'signer']) assert.ok(mail.results.viem.checked.includes(f), f);

    const text = readFileSync(record, 'utf8');
    assert.ok(text.endsWith('}\n'));
    const rec = JSON.parse(text);
    assert.deepEqual(Object.keys(rec.implementations), ['@metamask/eth-sig-util', 'ethers', 'node', 'viem']);
    assert.equal(rec.implementations.node, process.version);
    assert.deepEqual(rec.cases['selftest/mail'], {
      attested_by: [
        `@metamask/eth-sig-util@${rec.implementations['@metamask/eth-sig-util']}`,
        `ethers@${rec.implementations.ethers}`,
        `viem@${rec.implementations.viem}`,
      ],
      digest: '0xbe609aee343fb3c4b28e1df9e632fca64fcfaede20f02e86244efddf30957bd2',
    });
    assert.equal(rec.cases['selftest/recursive-person'].attested_by.length, 2);
    const bad = rec.cases['selftest/bad-address'];
    assert.deepEqual(Object.keys(bad), ['accepted_by', 'error', 'input_sha256', 'refused_by']);
    assert.equal(bad.accepted_by.length + bad.refused_by.length, 3);
    assert.match(bad.input_sha256, /^0x[0-9a-f]{64}$/);
    assert.equal(rec.cases['selftest/uuid'], undefined);
    // deterministic
    const again = join(dir, 'again.json');
    assert.equal(attest('--record', again, GOOD).status, 0);
    assert.equal(readFileSync(again, 'utf8'), text);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('bad fixtures: every deliberate mistake is a FAIL line with case, implementation, field, expected and got', () => {
  const r = attest(BAD);
  assert.equal(r.status, 1, r.stdout + r.stderr);
  const expectLines = [
    'FAIL selftest-bad/wrong-digest [ethers] digest: expected "0x0000000000000000000000000000000000000000000000000000000000000001" got "0xbe609aee343fb3c4b28e1df9e632fca64fcfaede20f02e86244efddf30957bd2"',
    'FAIL selftest-bad/wrong-digest [viem] digest: expected',
    'FAIL selftest-bad/wrong-digest [@metamask/eth-sig-util] digest: expected',
    'FAIL selftest-bad/wrong-typehash-and-signer [ethers] typeHash.Item: expected',
    'FAIL selftest-bad/wrong-typehash-and-signer [@metamask/eth-sig-util] typeHash.Item: expected',
    'FAIL selftest-bad/wrong-typehash-and-signer [viem] signer: expected "0x70997970C51812dc3A010C7d01b50e0d17dc79C8" got "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"',
    'FAIL selftest-bad/personal-wrong-signature [viem] signature: expected',
    'FAIL selftest-bad/unknown-key [ethers] case: error: unknown key "nobody"',
  ];
  for (const l of expectLines) assert.ok(r.stdout.includes(l), `missing: ${l}\n${r.stdout}`);
  assert.match(r.stdout, /attest: FAILED/);
});

test('usage errors exit 2', () => {
  assert.equal(attest('/nonexistent/vectors').status, 2);
  assert.equal(attest('--bogus', GOOD).status, 2);
});

test('signer-adapter answers every line, in order, without crashing', async () => {
  const doc = JSON.parse(readFileSync(join(GOOD, 'selftest.json'), 'utf8'));
  const child = spawn(process.execPath, [join(ROOT, 'signer-adapter.mjs')], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  // One request at a time: the answer must arrive before the next line is sent
  // (i.e. the adapter flushes each response).
  const ask = async (line) => {
    child.stdin.write(`${line}\n`);
    const { value, done } = await lines.next();
    assert.equal(done, false);
    return JSON.parse(value);
  };
  try {
    for (const c of doc.cases) {
      const input = { ...c.input };
      if (input.key) input.private_key = doc.keys[input.key].private_key;
      delete input.key;
      const res = await ask(JSON.stringify({ id: c.id, op: c.kind, input }));
      assert.equal(res.id, c.id);
      if (c.kind === 'uuid_int') assert.equal(res.error.code, 'UNSUPPORTED');
      else if (c.error) assert.equal(res.error.code, 'INVALID');
      else if (ETHERS_UNSUPPORTED[c.id]) assert.equal(res.error.code, 'UNSUPPORTED', c.id);
      else {
        assert.ok(res.result, JSON.stringify(res));
        for (const [k, v] of Object.entries(c.expected)) {
          if (typeof v === 'string') assert.equal(res.result[k].toLowerCase(), v.toLowerCase(), `${c.id} ${k}`);
          else assert.deepEqual(res.result[k], v, `${c.id} ${k}`);
        }
      }
    }
    assert.equal((await ask('not json')).error.code, 'ADAPTER_ERROR');
    assert.equal((await ask('[1]')).error.code, 'ADAPTER_ERROR');
    assert.equal((await ask('{"id":"n","op":"typed_data"}')).error.code, 'INVALID');
    assert.equal((await ask('{"id":"o","op":"sera_order","input":{}}')).error.code, 'UNSUPPORTED');
    const still = await ask(JSON.stringify({ id: 'p', op: 'personal_sign', input: { message: 'hello', encoding: 'utf8' } }));
    assert.equal(still.result.digest, '0x50b2c43fd39106bafbba0da34fc430e1f91e3c96ea2acee2bc34119f92b37750');
  } finally {
    child.stdin.end();
  }
  const code = await new Promise((r) => child.on('close', r));
  assert.equal(code, 0);
});
