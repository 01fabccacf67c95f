// The --exec protocol (docs/vectors.md, "The exec protocol") around one implementation of impls/.
// One long-running process: one JSON request per line on stdin, one JSON answer per line on
// stdout, in order.  The handshake ("hello") answers with the implementation's declaration: its
// name and version, the ops it does, the feature tags it cannot handle (the runner then never
// sends such a case) and "error_codes": "generic" (these libraries have no eip712kit codes).

import { createInterface } from 'node:readline';

import { Refusal, errMessage } from './common.mjs';

export function declaration(impl) {
  return {
    name: impl.package,
    version: impl.version,
    ops: Object.keys(impl.ops).sort(),
    unsupported: Object.keys(impl.unsupported).sort(),
    error_codes: impl.errorCodes,
  };
}

export async function answer(impl, line) {
  let req;
  try {
    req = JSON.parse(line);
  } catch (e) {
    return { id: null, error: { code: 'ADAPTER_ERROR', message: `request is not JSON: ${errMessage(e)}` } };
  }
  if (!req || typeof req !== 'object' || Array.isArray(req)) {
    return { id: null, error: { code: 'ADAPTER_ERROR', message: 'request is not a JSON object' } };
  }
  const id = req.id ?? null;
  if (req.op === 'hello') return { id, result: declaration(impl) };
  if (!Object.hasOwn(impl.ops, req.op ?? '')) {
    return { id, error: { code: 'UNSUPPORTED', message: `op ${JSON.stringify(req.op)} is not supported by ${impl.package}` } };
  }
  try {
    return { id, result: await impl.ops[req.op](req.input ?? {}) };
  } catch (e) {
    // The library (or the request check) refused the input; these libraries have no finer codes.
    return { id, error: { code: e instanceof Refusal ? e.code : 'INVALID', message: `${impl.package}: ${errMessage(e)}` } };
  }
}

function send(obj) {
  let text;
  try {
    text = JSON.stringify(obj);
  } catch (e) {
    text = JSON.stringify({ id: obj?.id ?? null, error: { code: 'ADAPTER_ERROR', message: `cannot serialise the answer: ${errMessage(e)}` } });
  }
  // stdout to a pipe is written synchronously on Linux: each line leaves before the next request is read.
  process.stdout.write(`${text}\n`);
}

export async function serve(impl) {
  process.stdout.on('error', (e) => {
    if (e.code === 'EPIPE') process.exit(0);
  });
  const rl = createInterface({ input: process.stdin, crlfDelay: Infinity, terminal: false });
  for await (const line of rl) {
    if (!line.trim()) continue;
    let response;
    try {
      response = await answer(impl, line);
    } catch (e) {
      response = { id: null, error: { code: 'ADAPTER_ERROR', message: errMessage(e) } };
    }
    send(response);
  }
  await impl.close?.(); // an implementation that runs a process (anvil) stops it
}
