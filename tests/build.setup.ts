import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { staleReason } from '../bin/build-state.mjs';

const ROOT = join(import.meta.dirname, '..');

/**
 * Tests run the CLI as users do, from the build in dist/. After an edit, every CLI child would
 * fall back to the sources and print the stale-build notice, failing the tests that count
 * stderr lines; so `npx vitest` rebuilds first, as `npm test`'s setup does.
 */
export default function setup(): void {
  if (staleReason(ROOT)) execFileSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT, stdio: 'inherit' });
}
