#!/usr/bin/env node
// The ethers v6 signer behind the eip712kit conformance runner's --exec protocol:
//
//   (cd tools/node && npm ci) && eip712kit conformance --exec "node tools/node/signer-adapter.mjs"
//
// One long-running process, JSON lines on stdin/stdout.  The handshake declares what ethers v6
// cannot do as the vectors' feature tags (impls/ethers6.mjs), so the run is green with no flag:
// those cases are reported as skipped by declaration, never as passed.  `node adapter.mjs <id>`
// serves the other implementations the same way.
import ethers6 from './impls/ethers6.mjs';
import { serve } from './lib/serve.mjs';

await serve(ethers6);
