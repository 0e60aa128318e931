import { build } from 'esbuild';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pageHtml } from './page/html.ts';
import type { PageData } from './page/pageData.ts';

/**
 * The page is bundled from the TypeScript sources in src/play, found from the package root, so
 * this works whether the CLI runs from src/ (tsx) or from a compiled copy elsewhere in the package.
 */
function source(file: string): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('urd play: cannot find the package root to bundle the page from');
    dir = up;
  }
  return join(dir, 'src', 'play', file);
}

async function bundle(entry: string, define: Record<string, string> = {}): Promise<string> {
  const result = await build({
    entryPoints: [source(entry)],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    legalComments: 'none',
    write: false,
    define,
    logLevel: 'silent',
  });
  return result.outputFiles[0].text;
}

let script: Promise<string> | null = null;

/**
 * The page's script: the worker (the model code of src/model, src/policy, src/metrics) is
 * bundled first and embedded as text, so the page starts it from a Blob as a classic worker —
 * module workers and fetching a worker file are blocked on file://. Built once per process.
 */
export function playScript(): Promise<string> {
  script ??= bundle('worker.ts').then((worker) => bundle('page/main.ts', { URD_WORKER_SOURCE: JSON.stringify(worker) }));
  return script;
}

/** The files of the classroom page: index.html (with the scenarios) and app.js. */
export async function playFiles(data: PageData): Promise<Record<string, string>> {
  return { 'index.html': pageHtml(data), 'app.js': await playScript() };
}
