import { existsSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, ensureDir, OutputError, writeFileAtomic } from '../io/atomic.ts';
import { playFiles } from '../play/build.ts';
import type { PageData } from '../play/page/pageData.ts';
import { InputError, loadScenario } from '../scenario/load.ts';
import { intOption, parseCommand } from './args.ts';
import { openInBrowser } from './browser.ts';

const scenariosDir = resolve(dirname(fileURLToPath(import.meta.url)), '../../scenarios');

export const PLAY_HELP = `urd play [SCENARIO] [options]
urd play --export DIR [SCENARIO]

The classroom page: the model live in the browser (Chinese and English), with the stock
scenarios as presets, play / pause / step, sliders for the world and the programme, live
charts, an animated ring map and two worlds side by side. SCENARIO (a scenario file) opens
first; without it, baseline.

Serves the page on 127.0.0.1 and opens the browser; Ctrl-C stops the server.

Options:
  --port N       port to serve on (default: a free one)
  --no-open      print the address without opening a browser
  --export DIR   write the page as a static folder (index.html, app.js) that runs opened
                 straight from disk or from any web server, with no network; DIR must be
                 new, empty or an earlier export
  -h, --help     this help

The page accepts URL parameters: scenario (a preset's name), seed, ticks, residents,
lang (en or zh), autoplay=1, compare (an allocation for the second world, or 1 for
periphery-first), speed (ticks per second). When a run ends its summary (summary.json's fields)
is in the element with id "urd-result".`;

/** The files an export writes; a folder holding anything else is not ours to overwrite. */
const EXPORT_FILES = ['index.html', 'app.js'];

/** The stock scenarios, resolved, with SCENARIO (when given) as the one the page opens. */
function pageData(scenarioPath: string | undefined): PageData {
  const files = readdirSync(scenariosDir).filter((f) => /\.ya?ml$/.test(f)).sort();
  const presets = files.map((file) => ({ file, scenario: loadScenario(join(scenariosDir, file)) }));
  if (scenarioPath === undefined) return { presets, initial: Math.max(0, files.indexOf('baseline.yaml')) };
  const own = { file: basename(scenarioPath), scenario: loadScenario(scenarioPath) };
  const same = resolve(dirname(scenarioPath)) === scenariosDir ? files.indexOf(own.file) : -1;
  if (same >= 0) return { presets, initial: same };
  return { presets: [own, ...presets], initial: 0 };
}

/** Refuses an export folder that holds anything but an earlier export (checked before anything is built); returns whether it exists. */
function checkExportDir(dir: string): boolean {
  const target = resolve(dir);
  if (!existsSync(target)) return false;
  if (!statSync(target).isDirectory()) throw new InputError(dir, null, null, 'is a file; expected a new or empty folder for the export');
  const foreign = readdirSync(target).filter((f) => !EXPORT_FILES.includes(f));
  if (foreign.length > 0) {
    throw new InputError(dir, null, null, `holds files urd play did not write (${foreign.slice(0, 3).join(', ')}${foreign.length > 3 ? ', …' : ''}); expected a new or empty folder, or an earlier export`);
  }
  return true;
}

/** Writes the static page into `dir`: a new folder appears whole (built beside it, then renamed). */
function exportPage(dir: string, files: Record<string, string>): void {
  const target = resolve(dir);
  if (checkExportDir(dir)) {
    for (const [name, text] of Object.entries(files)) writeFileAtomic(join(target, name), text);
    return;
  }
  ensureDir(dirname(target));
  const tmp = `${target}.partial-${process.pid}`;
  try {
    ensureDir(tmp);
    for (const [name, text] of Object.entries(files)) writeFileAtomic(join(tmp, name), text);
    renameSync(tmp, target);
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err instanceof OutputError ? err : describe(err, dir);
  }
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolvePort, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(err.code === 'EADDRINUSE' ? new OutputError(`cannot serve on port ${port}: it is in use; choose another with --port, or leave --port out for a free one`) : describe(err, `127.0.0.1:${port}`)),
    );
    server.listen(port, '127.0.0.1', () => resolvePort((server.address() as { port: number }).port));
  });
}

/** Serves the page until SIGINT or SIGTERM, then closes every connection and returns 0. */
async function serve(files: Record<string, string>, port: number, open: boolean): Promise<number> {
  const types: Record<string, string> = { 'index.html': 'text/html; charset=utf-8', 'app.js': 'text/javascript; charset=utf-8' };
  const server = createServer((req, res) => {
    const name = new URL(req.url ?? '/', 'http://localhost').pathname.replace(/^\//, '') || 'index.html';
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405).end();
      return;
    }
    const body = files[name];
    if (body === undefined) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    res.writeHead(200, { 'content-type': types[name], 'cache-control': 'no-store' }).end(req.method === 'HEAD' ? undefined : body);
  });
  const actual = await listen(server, port);
  const url = `http://127.0.0.1:${actual}/`;
  process.stdout.write(`urd play: serving the classroom page at ${url}\n(Ctrl-C to stop)\n`);
  if (open) openInBrowser(url);
  return new Promise((done) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      server.close(() => {
        process.stdout.write('urd play: stopped\n');
        done(0);
      });
      server.closeAllConnections();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/** `urd play`: returns the exit code (0 after Ctrl-C). */
export async function playCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommand('play', args, {
    port: { type: 'string' },
    'no-open': { type: 'boolean', default: false },
    export: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  });
  if (values.help) {
    process.stdout.write(PLAY_HELP + '\n');
    return 0;
  }
  if (positionals.length > 1) throw new InputError('urd play', null, null, `expected at most one scenario, got ${positionals.length} (see urd play --help)`);
  const port = intOption('play', 'port', values.port) ?? 0;
  if (port > 65535) throw new InputError('urd play', '--port', null, `expected a port 0..65535, got ${port}`);
  if (values.export !== undefined) checkExportDir(values.export);
  const files = await playFiles(pageData(positionals[0]));
  if (values.export !== undefined) {
    exportPage(values.export, files);
    const bytes = Object.values(files).reduce((n, t) => n + Buffer.byteLength(t), 0);
    process.stdout.write(`urd play: wrote ${join(values.export, 'index.html')} (${(bytes / 1e6).toFixed(2)} MB in all); open it in a browser, no server needed\n`);
    return 0;
  }
  return serve(files, port, !values['no-open']);
}
