#!/usr/bin/env node
// node tools/others/adapter.mjs <id>: one of the implementations of impls/ as an --exec adapter
// (the protocol: tools/node/lib/serve.mjs).  --list lists them.  README.md says what each one is.
import { serve } from '../node/lib/serve.mjs';
import eip712 from './impls/eip-712.mjs';
import ethersEip712 from './impls/ethers-eip712.mjs';
import ethSigUtil3 from './impls/eth-sig-util-3.mjs';

export const IMPLEMENTATIONS = Object.fromEntries([eip712, ethersEip712, ethSigUtil3].map((i) => [i.id, i]));

const id = process.argv[2];
if (id === '--list' || !id) {
  for (const impl of Object.values(IMPLEMENTATIONS)) console.log(`${impl.id.padEnd(16)} ${impl.package}@${impl.version}`);
  process.exitCode = id ? 0 : 2;
} else if (!Object.hasOwn(IMPLEMENTATIONS, id)) {
  console.error(`adapter: no implementation ${JSON.stringify(id)}; one of ${Object.keys(IMPLEMENTATIONS).join(', ')}`);
  process.exitCode = 2;
} else {
  await serve(IMPLEMENTATIONS[id]);
}
