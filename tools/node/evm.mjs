#!/usr/bin/env node
// The EVM as a service: compile Solidity with solc-js, deploy it on a private anvil, call its functions.
//
//   node tools/node/evm.mjs        one JSON request per line on stdin, one answer per line on stdout
//
//   → {"id": 1, "source": "...", "contract": "Eip712KitCheck",
//      "calls": [{"name": "digest"}, {"name": "recover", "args": ["0x…65 bytes"]}]}
//   ← {"id": 1, "result": {"digest": "0x…", "recover": "0x…"}, "warnings": [], "solc": "0.8.37+commit…"}
//   ← {"id": 1, "error": {"code": "COMPILE_ERROR" | "DEPLOY_FAILED" | "CALL_FAILED" | "BAD_REQUEST", "message": "…"}}
//
// solc-js is the compiler itself (WebAssembly from npm: no download of a native compiler), without
// the optimizer; the contract is deployed by a real transaction from anvil's PUBLIC development
// account #0, and every function is read with eth_call. Used by the EVM adapter
// (tools/adapters/evm_adapter.py) and the tests of `eip712kit solidity` (tests/test_solidity.py).

import { createInterface } from 'node:readline';

import { Interface } from 'ethers';
import solc from 'solc';

import { sharedAnvil, stopSharedAnvil } from './lib/anvil.mjs';
import { errMessage } from './lib/common.mjs';

const GAS = '0x1dcd6500'; // 500 million: a generated harness for a large document is large
const RECEIPT_TIMEOUT_MS = 10000;

class ServiceError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

export function compile(source, contract) {
  const input = {
    language: 'Solidity',
    sources: { 'check.sol': { content: source } },
    settings: { optimizer: { enabled: false }, outputSelection: { '*': { [contract]: ['abi', 'evm.bytecode.object'] } } },
  };
  const out = JSON.parse(solc.compile(JSON.stringify(input)));
  const problems = out.errors ?? [];
  const errors = problems.filter((e) => e.severity === 'error');
  if (errors.length) throw new ServiceError('COMPILE_ERROR', errors.map((e) => e.formattedMessage).join('\n').slice(0, 4000));
  const compiled = out.contracts?.['check.sol']?.[contract];
  if (!compiled) throw new ServiceError('COMPILE_ERROR', `no contract ${contract} in the source`);
  return { abi: compiled.abi, bytecode: `0x${compiled.evm.bytecode.object}`, warnings: problems.filter((e) => e.severity !== 'error').map((e) => e.formattedMessage) };
}

async function deploy(anvil, bytecode) {
  const from = anvil.accounts[0].address;
  const tx = await anvil.rpc('eth_sendTransaction', [{ from, data: bytecode, gas: GAS }]);
  // anvil mines each transaction at once, but its receipt can appear a moment after the hash is returned
  let receipt = null;
  for (let waited = 0; !receipt && waited < RECEIPT_TIMEOUT_MS; waited += 5) {
    receipt = await anvil.rpc('eth_getTransactionReceipt', [tx]);
    if (!receipt) await new Promise((r) => { setTimeout(r, 5); });
  }
  if (!receipt || receipt.status !== '0x1' || !receipt.contractAddress) throw new ServiceError('DEPLOY_FAILED', receipt ? `the deployment reverted (transaction ${tx})` : `no receipt for the deployment ${tx} within ${RECEIPT_TIMEOUT_MS} ms`);
  return receipt.contractAddress;
}

export async function execute(req) {
  if (typeof req?.source !== 'string' || !Array.isArray(req.calls)) throw new ServiceError('BAD_REQUEST', 'a request has source (text) and calls (a list)');
  const { abi, bytecode, warnings } = compile(req.source, req.contract ?? 'Eip712KitCheck');
  const anvil = await sharedAnvil();
  const to = await deploy(anvil, bytecode);
  const iface = new Interface(abi);
  const result = {};
  for (const call of req.calls) {
    let data;
    try {
      data = iface.encodeFunctionData(call.name, call.args ?? []);
    } catch (e) {
      throw new ServiceError('BAD_REQUEST', `call ${call.name}: ${errMessage(e)}`);
    }
    let raw;
    try {
      raw = await anvil.rpc('eth_call', [{ from: anvil.accounts[0].address, to, data, gas: GAS }, 'latest']);
    } catch (e) {
      throw new ServiceError('CALL_FAILED', `${call.name}(): ${errMessage(e)}`);
    }
    const [value] = iface.decodeFunctionResult(call.name, raw);
    result[call.name] = typeof value === 'bigint' ? value.toString() : value;
  }
  return { result, warnings, solc: solc.version(), address: to };
}

async function main() {
  const rl = createInterface({ input: process.stdin, crlfDelay: Infinity, terminal: false });
  for await (const line of rl) {
    if (!line.trim()) continue;
    let id = null;
    let answer;
    try {
      const req = JSON.parse(line);
      id = req?.id ?? null;
      answer = { id, ...(await execute(req)) };
    } catch (e) {
      answer = { id, error: e instanceof ServiceError ? { code: e.code, message: e.message } : { code: 'SERVICE_ERROR', message: errMessage(e) } };
    }
    process.stdout.write(`${JSON.stringify(answer)}\n`);
  }
  await stopSharedAnvil();
}

await main();
