// A private anvil (Foundry's local Ethereum node) for the anvil wallet implementation and the EVM
// service: started once on a free port, spoken to over JSON-RPC, stopped with this process.
// Its development accounts are the PUBLIC well-known ones (mnemonic "test test ... junk"): anvil
// writes their keys to --config-out, which is how a request's key is matched to an account.

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { foundryBinary } from './foundry.mjs';

const START_TIMEOUT_MS = 20000;
const RPC_TIMEOUT_MS = 20000;

export const ANVIL = foundryBinary('anvil');

/** An RPC error: anvil answered, with a JSON-RPC error object (message as anvil wrote it). */
export class RpcError extends Error {
  constructor(error) {
    super(String(error?.message ?? JSON.stringify(error)));
    this.rpcCode = error?.code;
  }
}

class Anvil {
  constructor(child, url, accounts, dir) {
    this.child = child;
    this.url = url;
    this.accounts = accounts; // [{address, privateKey}] (PUBLIC development keys)
    this.dir = dir;
    this.id = 0;
  }

  async rpc(method, params = []) {
    const body = JSON.stringify({ jsonrpc: '2.0', id: ++this.id, method, params });
    const res = await fetch(this.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(RPC_TIMEOUT_MS) });
    const answer = await res.json();
    if (answer.error) throw new RpcError(answer.error);
    return answer.result;
  }

  /** The development account whose key this is, or undefined. */
  account(privateKey) {
    const key = String(privateKey).toLowerCase();
    return this.accounts.find((a) => a.privateKey.toLowerCase() === key);
  }

  stop() {
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Start anvil on a free port (anvil picks it: --port 0) and wait until it listens. */
export function startAnvil(extraArgs = []) {
  const dir = mkdtempSync(join(tmpdir(), 'eip712kit-anvil-'));
  const config = join(dir, 'anvil.json');
  const args = ['--port', '0', '--host', '127.0.0.1', '--config-out', config, ...extraArgs];
  const child = spawn(ANVIL.path, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const stopOnExit = () => child.kill('SIGKILL');
  process.once('exit', stopOnExit);
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => fail(new Error(`anvil did not start within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
    function fail(e) {
      clearTimeout(timer);
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
      reject(e);
    }
    child.on('error', (e) => fail(new Error(`anvil cannot be started (${ANVIL.path}): ${e.message}; run npm ci in tools/node`)));
    child.on('exit', (code) => fail(new Error(`anvil exited (status ${code}) before listening: ${seen.slice(-300)}`)));
    child.stderr.on('data', (chunk) => { seen += chunk; });
    child.stdout.on('data', (chunk) => {
      seen += chunk;
      const m = /Listening on (127\.0\.0\.1:\d+)/.exec(seen);
      if (!m) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      for (const s of [child.stdout, child.stderr]) {
        s.removeAllListeners('data');
        s.resume(); // keep draining its log
      }
      child.unref();
      for (const s of [child.stdout, child.stderr]) s.unref?.();
      child.on('exit', () => process.removeListener('exit', stopOnExit));
      const out = JSON.parse(readFileSync(config, 'utf8'));
      const accounts = out.available_accounts.map((address, i) => ({ address, privateKey: out.private_keys[i] }));
      resolve(new Anvil(child, `http://${m[1]}`, accounts, dir));
    });
  });
}

/** One anvil for this process, started on first use. */
let shared = null;
export function sharedAnvil() {
  shared ??= startAnvil(['--disable-code-size-limit', '--disable-block-gas-limit']);
  return shared;
}

export async function stopSharedAnvil() {
  if (!shared) return;
  const started = shared;
  shared = null;
  try {
    (await started).stop();
  } catch {
    // it never started: nothing to stop
  }
}
