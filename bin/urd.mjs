#!/usr/bin/env node
// Runs the build in dist/ (made by scripts/setup.sh or `npm run build`) when it is current, so
// `urd` starts in a few tens of ms. A missing or stale build is never run: the sources run
// through tsx instead, with a one-line notice (URD_FROM_SOURCE=1 asks for that, quietly).
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DIST_MAIN, staleReason } from './build-state.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const stale = process.env.URD_FROM_SOURCE ? 'URD_FROM_SOURCE is set' : staleReason(root);
let main;
if (stale === null) {
  ({ main } = await import(pathToFileURL(join(root, DIST_MAIN)).href));
} else {
  if (!process.env.URD_FROM_SOURCE) process.stderr.write(`urd: ${stale}; running the sources through tsx (slower start; npm run build makes it current)\n`);
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src/cli/main.ts'));
}
process.exitCode = await main(process.argv.slice(2));
