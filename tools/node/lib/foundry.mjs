// Foundry's binaries (cast, anvil) as npm ships them: @foundry-rs/<tool> is a shim whose bin script
// exits 0 even when the tool fails, so we never call it: we call the binary inside the platform
// package it depends on (@foundry-rs/<tool>-linux-amd64, ...), which npm ci installs for this machine.

import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { LAXER } from './common.mjs';

const PLATFORMS = { 'linux-x64': 'linux-amd64', 'linux-arm64': 'linux-arm64', 'darwin-x64': 'darwin-amd64', 'darwin-arm64': 'darwin-arm64', 'win32-x64': 'win32-amd64' };

/** The platform package of a Foundry tool, e.g. @foundry-rs/cast-linux-amd64. */
export function platformPackage(tool) {
  const platform = PLATFORMS[`${process.platform}-${process.arch}`];
  if (!platform) throw new Error(`Foundry publishes no ${tool} binary for ${process.platform}-${process.arch}`);
  return `@foundry-rs/${tool}-${platform}`;
}

/** {path, version} of the tool's binary; a clear error when npm ci has not installed it. */
export function foundryBinary(tool) {
  const pkg = platformPackage(tool);
  let manifest;
  try {
    manifest = fileURLToPath(import.meta.resolve(`${pkg}/package.json`));
  } catch {
    throw new Error(`${pkg} is not installed: run npm ci in tools/node`);
  }
  const { version } = JSON.parse(readFileSync(manifest, 'utf8'));
  return { path: join(dirname(manifest), 'bin', process.platform === 'win32' ? `${tool}.exe` : tool), version, package: pkg };
}

/**
 * Run a binary with arguments (never through a shell): {code, stdout, stderr}. A tool that cannot be
 * started, or runs past `timeout` ms, rejects.
 */
export function run(path, args, { timeout = 20000 } = {}) {
  return new Promise((resolve, reject) => {
    execFile(path, args, { timeout, maxBuffer: 8 << 20, encoding: 'utf8', windowsHide: true }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') reject(new Error(`${path}: ${error.killed ? `no answer within ${timeout} ms` : error.message}`));
      else resolve({ code: error ? error.code : 0, stdout, stderr });
    });
  });
}

/** The first line of a tool's complaint, without its "Error:" prefix. */
export function complaint({ stderr, stdout }) {
  const line = `${stderr}\n${stdout}`.split('\n').map((l) => l.trim()).find((l) => l) ?? 'failed without a message';
  return line.replace(/^Error:\s*/, '');
}

/**
 * What cast and anvil (both alloy's EIP-712 underneath) cannot express, and the strictness alloy does
 * not have, as the vectors' feature tags: proven by `node attest.mjs --only cast,anvil -v` before
 * being declared (their counts are in docs/compatibility.md).
 */
export const ALLOY_DECLARATIONS = {
  'recursive-types': 'alloy refuses a struct that reaches itself ("circular dependency: Node")',
  'declared-domain-order': 'alloy hashes the domain in the canonical field order whatever order types.EIP712Domain declares: the digest differs silently from the declaration (MetaMask, viem and eth-sig-util hash it as declared)',
  'bad-checksum-refusal': LAXER,
  'bytes-length-refusal': LAXER,
  'document-extra-key-refusal': LAXER,
  'duplicate-field-refusal': LAXER,
  'extra-field-refusal': LAXER,
  'int-alias-refusal': LAXER,
  'invalid-bool-refusal': LAXER,
  'invalid-document-refusal': LAXER,
  'invalid-domain-refusal': LAXER,
  'invalid-int-refusal': LAXER,
  'missing-field-refusal': LAXER,
  'reserved-type-name-refusal': LAXER,
  'unprefixed-address-refusal': LAXER,
  'unprefixed-hex-refusal': LAXER,
};
