// Foundry's cast (Rust; alloy's EIP-712 and EIP-191), driven as a command-line tool.  https://getfoundry.sh/cast
//
//   cast wallet sign --data --from-file DOC --private-key K     the typed-data signature
//   cast wallet verify --data --from-file DOC --address A SIG   cast checks its own signature
//   cast hash-message -- TEXT / cast wallet sign -- 0xBYTES     EIP-191
//
// cast has no command that prints a typed-data hash, so a typed-data case is attested by its
// signature (RFC 6979, deterministic: equal signatures mean equal digests) and by cast's own
// verification of it as the key's address. The document is handed over exactly as the vector
// writes it (a file; a lone surrogate stays a JSON escape): cast parses it, nothing here does.
// The binary is the platform package's (lib/foundry.mjs), never the npm shim, which exits 0 on errors.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Refusal, carriableText, personalBytes } from '../lib/common.mjs';
import { ALLOY_DECLARATIONS, complaint, foundryBinary, run } from '../lib/foundry.mjs';

const CAST = foundryBinary('cast');
// A key for the negative cases, which carry none: they probe whether cast accepts the document.
const PROBE_KEY = `0x${'00'.repeat(31)}01`;
const addresses = new Map();

async function cast(args) {
  const r = await run(CAST.path, args);
  if (r.code !== 0) throw new Refusal(`cast ${args[0]} ${args[1] ?? ''}: ${complaint(r)}`.replace(/ {2,}/g, ' '));
  return r.stdout.trim();
}

async function address(key) {
  if (!addresses.has(key)) addresses.set(key, await cast(['wallet', 'address', '--private-key', key]));
  return addresses.get(key);
}

/** Sign `message` (a file with --data --from-file, or 0x-hex bytes), then have cast verify its own signature as the key's address. */
async function signAndVerify(flags, message, key) {
  const signature = await cast(['wallet', 'sign', ...flags, '--private-key', key, '--', message]);
  const signer = await address(key);
  await cast(['wallet', 'verify', ...flags, '--address', signer, '--', message, signature]);
  return { signature, signer };
}

export default {
  id: 'cast',
  package: 'cast',
  version: CAST.version,
  language: 'Rust',
  api: `cast wallet sign --data --from-file, cast wallet verify, cast hash-message (the binary of npm ${CAST.package})`,
  errorCodes: 'generic',
  unsupported: {
    ...ALLOY_DECLARATIONS,
    'hash-only': 'no command prints a typed-data hash: a typed-data case without a key shows nothing (personal_sign ones go with it: one tag)',
  },
  ops: {
    async typed_data(input) {
      const doc = input?.typed_data;
      if (doc === undefined) throw new Refusal('input.typed_data is missing');
      const dir = mkdtempSync(join(tmpdir(), 'eip712kit-cast-'));
      try {
        const file = join(dir, 'typed-data.json');
        writeFileSync(file, JSON.stringify(doc));
        if (input.private_key != null) return await signAndVerify(['--data', '--from-file'], file, input.private_key);
        await cast(['wallet', 'sign', '--data', '--from-file', '--private-key', PROBE_KEY, '--', file]);
        return {};
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    async personal_sign(input) {
      carriableText(input);
      const bytes = Buffer.from(personalBytes(input));
      const out = {};
      // hash-message takes text (it never decodes 0x-hex): give it the message when it is text an
      // argument can carry; the bytes of any message go to wallet sign as 0x-hex, which it decodes.
      const text = bytes.toString('utf8');
      if (Buffer.from(text, 'utf8').equals(bytes) && !text.includes('\0')) out.digest = await cast(['hash-message', '--', text]);
      if (input.private_key != null) Object.assign(out, await signAndVerify([], `0x${bytes.toString('hex')}`, input.private_key));
      if (!Object.keys(out).length) throw new Refusal('a message that is not UTF-8 text has no cast hash-message form, and there is no key to sign it with', 'UNSUPPORTED');
      return out;
    },
  },
};
