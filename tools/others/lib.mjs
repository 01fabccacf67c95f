// What the implementations of impls/ share. The protocol and the request checks are tools/node's
// (lib/serve.mjs, lib/common.mjs), imported, not copied; the packages are this folder's node_modules.
import { readFileSync } from 'node:fs';

import { reportedTypeNames, typedDocument, withDomainType } from '../node/lib/common.mjs';

/** The version of a package installed in tools/others/node_modules. */
export function installedVersion(name) {
  return JSON.parse(readFileSync(new URL(`./node_modules/${name}/package.json`, import.meta.url), 'utf8')).version;
}

/** The feature tags `name` declares unsupported, with the reason: the `unsupported` findings of findings.json. */
export function declared(name) {
  const { findings } = JSON.parse(readFileSync(new URL('./findings.json', import.meta.url), 'utf8'))[name];
  return Object.fromEntries(findings.filter((f) => f.class === 'unsupported').flatMap((f) => f.tags.map((t) => [t, f.title])));
}

/** An implementation of `pkg` (as tools/node/lib/serve.mjs serves one): its version and declaration from here. */
export function implementation(id, pkg, ops) {
  return { id, package: pkg, version: installedVersion(pkg), errorCodes: 'generic', unsupported: declared(pkg), ops };
}

/**
 * The request's document as these libraries take it, with EIP712Domain declared (each reads the domain type
 * from `types` only: the canonical derivation when the document has none, as docs/vectors.md allows), and the
 * struct names whose encodeType the result reports.
 */
export function prepared(input) {
  const td = typedDocument(input);
  const data = { ...td, types: withDomainType(td) };
  return { td, data, names: ['EIP712Domain', ...reportedTypeNames(data.types, td.primaryType)] };
}
