// Helpers of the adapters in this folder: the package version, as installed here (tools/others/node_modules).
// The protocol and the request checks are tools/node's (lib/serve.mjs, lib/common.mjs), imported, not copied.
import { readFileSync } from 'node:fs';

/** The version of a package installed in tools/others/node_modules. */
export function installedVersion(name) {
  return JSON.parse(readFileSync(new URL(`./node_modules/${name}/package.json`, import.meta.url), 'utf8')).version;
}

/** The feature tags `name` declares unsupported, with the reason: the `unsupported` findings of findings.json. */
export function declared(name) {
  const { findings } = JSON.parse(readFileSync(new URL('./findings.json', import.meta.url), 'utf8'))[name];
  return Object.fromEntries(findings.filter((f) => f.class === 'unsupported').flatMap((f) => f.tags.map((t) => [t, f.title])));
}
