#!/usr/bin/env node
// An --exec adapter for any implementation in impls/:
//
//   eip712kit conformance --exec "node tools/node/adapter.mjs viem"
//   node tools/node/adapter.mjs --list
//
// See lib/serve.mjs for the protocol and impls/<id>.mjs for what each library declares.
import { IMPLEMENTATIONS } from './impls/index.mjs';
import { serve } from './lib/serve.mjs';

const [arg] = process.argv.slice(2);
if (!arg || arg === '--list' || arg === '--help') {
  for (const impl of Object.values(IMPLEMENTATIONS)) console.log(`${impl.id.padEnd(18)} ${impl.package}@${impl.version}`);
  process.exitCode = arg === '--list' ? 0 : 2;
} else if (!Object.hasOwn(IMPLEMENTATIONS, arg)) {
  console.error(`adapter.mjs: no implementation ${JSON.stringify(arg)}; one of: ${Object.keys(IMPLEMENTATIONS).join(', ')}`);
  process.exitCode = 2;
} else {
  await serve(IMPLEMENTATIONS[arg]);
}
