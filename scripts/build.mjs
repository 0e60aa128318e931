#!/usr/bin/env node
// `npm run build` (and scripts/setup.sh when dist/ is missing or stale): bundles the CLI and the
// sweep worker with esbuild into dist/cli/, so `urd` starts without compiling TypeScript.
// Packages stay external (node_modules is there at run time); dynamic imports become chunks, so
// `urd --version` does not load what `urd report` needs. dist/manifest.json records every input
// for bin/build-state.mjs. Writes into a temporary folder and renames it, so a crash never
// leaves a half-written build that looks current.
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DIST, fileEntry, staleReason } from '../bin/build-state.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tmp = join(root, `${DIST}.tmp-${process.pid}`);

// The tinypool workers are the built twins of src/experiments/worker.mjs (the sweep) and
// src/calibrate/calibrate-worker.mjs: tinypool calls a worker module's default export, and the task
// modules export their functions by name; these virtual entries re-export them, without
// registering tsx. Each lands beside the CLI under the name its pool asks for.
const WORKERS = {
  'urd:worker': { out: 'cli/worker', contents: "export { executeRun as default } from './src/experiments/task.ts';" },
  'urd:calibrate-worker': { out: 'cli/calibrate-worker', contents: "export { simulate as default } from './src/calibrate/simulate.ts';" },
};

// Pure-JavaScript packages the CLI loads at every start are bundled: one file parses much faster
// than zod's hundreds of modules. The rest stay in node_modules (canvas is native, tinypool starts
// workers from its own files, chart.js only loads for reports).
const BUNDLED = ['zod', 'yaml', 'immer', 'seedrandom'];
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const external = Object.keys({ ...pkg.dependencies, ...pkg.devDependencies }).filter((name) => !BUNDLED.includes(name));
const workerEntry = {
  name: 'urd-workers',
  setup(b) {
    b.onResolve({ filter: /^urd:(calibrate-)?worker$/ }, (args) => ({ path: args.path, namespace: 'urd' }));
    b.onLoad({ filter: /.*/, namespace: 'urd' }, (args) => ({ contents: WORKERS[args.path].contents, resolveDir: root, loader: 'js' }));
  },
};

/** Builds dist/ under `root`; returns the number of input files. */
export async function buildDist() {
  rmSync(tmp, { recursive: true, force: true });
  // Imported here, so `--if-stale` on a current build does not pay for loading esbuild.
  const { build } = await import('esbuild');
  const result = await build({
    absWorkingDir: root,
    entryPoints: [
      { in: 'src/cli/main.ts', out: 'cli/main' },
      ...Object.entries(WORKERS).map(([entry, w]) => ({ in: entry, out: w.out })),
    ],
    plugins: [workerEntry],
    outdir: tmp,
    outExtension: { '.js': '.mjs' },
    chunkNames: 'cli/chunk-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external,
    // The bundled CommonJS packages (yaml, seedrandom) call require().
    banner: { js: "import { createRequire as __urdRequire } from 'node:module'; const require = __urdRequire(import.meta.url);" },
    sourcemap: 'linked',
    metafile: true,
    logLevel: 'warning',
  });
  const inputs = {};
  for (const file of [...Object.keys(result.metafile.inputs).filter((f) => !f.startsWith('urd:') && !f.startsWith('node_modules/')), relative(root, fileURLToPath(import.meta.url)), 'bin/build-state.mjs', 'package-lock.json'].sort()) {
    inputs[file] = fileEntry(join(root, file));
  }
  writeFileSync(join(tmp, 'manifest.json'), `{"inputs": {\n${Object.entries(inputs).map(([f, e]) => `  ${JSON.stringify(f)}: ${JSON.stringify(e)}`).join(',\n')}\n}}\n`);
  rmSync(join(root, DIST), { recursive: true, force: true });
  renameSync(tmp, join(root, DIST));
  return Object.keys(inputs).length;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  // --if-stale (scripts/setup.sh): build only when bin/urd.mjs would refuse the current build.
  const reason = process.argv.includes('--if-stale') ? staleReason(root) : 'asked for';
  if (reason !== null) {
    const n = await buildDist();
    process.stderr.write(`build: dist/ written from ${n} files (${reason})\n`);
  }
}
