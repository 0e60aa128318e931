// Is dist/ a build of the current sources? Plain JavaScript, so bin/urd.mjs can ask before
// anything is compiled. scripts/build.mjs writes dist/manifest.json: every input file of the
// bundle with its size, mtime and SHA-1. Checking costs one stat per input (≈ 100 files, a few
// ms); a file is hashed only when its mtime moved but its size did not (a touch, a checkout).
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Where the build lives, relative to the project root. */
export const DIST = 'dist';
export const MANIFEST = join(DIST, 'manifest.json');
/** The CLI entry and the sweep worker in the build; both two folders deep, like src/cli/*.ts, so
 * the sources' `import.meta.url`-relative paths ('../../scenarios') resolve the same. */
export const DIST_MAIN = join(DIST, 'cli', 'main.mjs');

/** SHA-1 of a file's bytes, hex. */
export function fileHash(path) {
  return createHash('sha1').update(readFileSync(path)).digest('hex');
}

/** The manifest entry of one input file: [size, mtimeMs, sha1]. */
export function fileEntry(path) {
  const s = statSync(path);
  return [s.size, s.mtimeMs, fileHash(path)];
}

/**
 * Why the build under `root` cannot be run, or null when it is current: no manifest, or an
 * input (a source file, or the build script itself) that changed, vanished since the build.
 */
export function staleReason(root) {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(join(root, MANIFEST), 'utf8'));
  } catch {
    return 'no build in dist/';
  }
  for (const [file, [size, mtimeMs, sha1]] of Object.entries(manifest.inputs ?? {})) {
    const path = join(root, file);
    let s;
    try {
      s = statSync(path);
    } catch {
      return `${file} is gone since the build`;
    }
    if (s.size !== size) return `${file} changed since the build`;
    if (s.mtimeMs !== mtimeMs && fileHash(path) !== sha1) return `${file} changed since the build`;
  }
  return null;
}
