// Self-test of the implementations and the --exec protocol (cd tools/node && npm ci && npm test).
// The golden vectors themselves are checked by `node attest.mjs` and by the Python runner.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { IMPLEMENTATIONS } from '../impls/index.mjs';
import { complaint, foundryBinary, run } from '../lib/foundry.mjs';
import { answer } from '../lib/serve.mjs';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
// EIP-712's Mail example and its published digest; the PUBLIC Hardhat development key #0.
const MAIL = {
  types: {
    EIP712Domain: [{ name: 'name', type: 'string' }, { name: 'version', type: 'string' }, { name: 'chainId', type: 'uint256' }, { name: 'verifyingContract', type: 'address' }],
    Person: [{ name: 'name', type: 'string' }, { name: 'wallet', type: 'address' }],
    Mail: [{ name: 'from', type: 'Person' }, { name: 'to', type: 'Person' }, { name: 'contents', type: 'string' }],
  },
  primaryType: 'Mail',
  domain: { name: 'Ether Mail', version: '1', chainId: 1, verifyingContract: '0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC' },
  message: { from: { name: 'Cow', wallet: '0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826' }, to: { name: 'Bob', wallet: '0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB' }, contents: 'Hello, Bob!' },
};
const MAIL_DIGEST = '0xbe609aee343fb3c4b28e1df9e632fca64fcfaede20f02e86244efddf30957bd2';
// dev0's RFC 6979 signature of the Mail example (vectors/core.json, core/mail).
const MAIL_SIGNATURE = '0x6ea8bb309a3401225701f3565e32519f94a0ea91a5910ce9229fe488e773584c0390416a2190d9560219dab757ecca2029e63fa9d1c2aebf676cc25b9f03126a1b';
// PUBLIC development key: Hardhat/Anvil account #0, known to everyone (never a real key)
const DEV0 = { key: '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80', address: '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266' };

test.after(() => Promise.all(Object.values(IMPLEMENTATIONS).map((impl) => impl.close?.())));

for (const impl of Object.values(IMPLEMENTATIONS)) {
  test(`${impl.id}: handshake, the Mail example, a refusal`, async () => {
    const hello = await answer(impl, JSON.stringify({ id: 'hello', op: 'hello', input: { protocol: 'eip712kit-exec/2', features: [], ops: ['typed_data'] } }));
    assert.equal(hello.id, 'hello');
    assert.equal(hello.result.error_codes, 'generic');
    assert.deepEqual(hello.result.ops, ['personal_sign', 'typed_data']);
    assert.ok(Array.isArray(hello.result.unsupported));
    const mail = await answer(impl, JSON.stringify({ id: 'm', op: 'typed_data', input: { typed_data: MAIL, private_key: DEV0.key } }));
    assert.ok(mail.result, JSON.stringify(mail));
    if (mail.result.digest) assert.equal(mail.result.digest.toLowerCase(), MAIL_DIGEST);
    if (mail.result.signer) assert.equal(mail.result.signer.toLowerCase(), DEV0.address.toLowerCase());
    assert.equal(mail.result.signature.toLowerCase(), MAIL_SIGNATURE);
    const bad = await answer(impl, JSON.stringify({ id: 'b', op: 'personal_sign', input: { message: '0x123', encoding: 'hex' } }));
    assert.equal(bad.error.code, 'INVALID');
    const other = await answer(impl, JSON.stringify({ id: 'u', op: 'uuid_int', input: {} }));
    assert.equal(other.error.code, 'UNSUPPORTED');
  });
}

test('cast and anvil are the platform binaries, not the npm shims (which exit 0 on errors)', async () => {
  for (const tool of ['cast', 'anvil']) {
    const { path, version } = foundryBinary(tool);
    assert.ok(!path.includes(`${join('node_modules', '.bin')}`), path);
    const r = await run(path, ['--version']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, new RegExp(`^${tool} Version: ${version.replaceAll('.', '\\.')}\\b`));
  }
  const bad = await run(foundryBinary('cast').path, ['wallet', 'sign', '--data', '--from-file', join(ROOT, 'no-such-file.json'), '--private-key', DEV0.key]);
  assert.notEqual(bad.code, 0);
  assert.match(complaint(bad), /no-such-file/);
});

test('signer-adapter.mjs speaks JSON lines and answers the handshake first', () => {
  const input = `${JSON.stringify({ id: 'hello', op: 'hello', input: {} })}\nnot json\n`;
  const r = spawnSync(process.execPath, [join(ROOT, 'signer-adapter.mjs')], { input, encoding: 'utf8' });
  const [hello, garbage] = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(hello.result.name, 'ethers');
  assert.ok(hello.result.unsupported.includes('recursive-types'));
  assert.equal(garbage.error.code, 'ADAPTER_ERROR');
});
