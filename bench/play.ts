/**
 * The classroom page's speed in a real browser (docs/performance.md, "The classroom page"):
 * ticks per second with every view updating, at 10k, 100k and 1M residents; the longest task on
 * the page's main thread (PerformanceObserver, long tasks); and the exported folder's size.
 * Each size is also run in this process through the same session code the page's worker runs,
 * so the browser's speed is read as a ratio to Node's, and the page's result must equal it.
 *
 *   npx tsx bench/play.ts [--quick]     (--quick: 10k and 100k only)
 *
 * Fails (exit 1) when the benchmark breaks: the page's summary differs from Node's, a console
 * error, or an export of 5 MB or more. A slow machine never fails it.
 */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { chromium } from 'playwright-core';
import { playFiles } from '../src/play/build.ts';
import { PlaySession } from '../src/play/session.ts';
import { loadScenario } from '../src/scenario/load.ts';
import { CHROMIUM, CHROMIUM_FLAGS } from '../scripts/chromium.ts';

const ROOT = resolve(import.meta.dirname, '..');
const SIZES = [
  { residents: 10_000, ticks: 60 },
  { residents: 100_000, ticks: 30 },
  { residents: 1_000_000, ticks: 6 },
];

interface Row {
  residents: number;
  ticks: number;
  pageTicksPerSecond: number;
  nodeTicksPerSecond: number;
  longestTaskMs: number;
  longTasks: number;
}

/** Ticks per second of the page's session code in Node (tick 1 to the last, as the page measures). */
function nodeSpeed(residents: number, ticks: number): { perSecond: number; summary: unknown } {
  const scenario = loadScenario(join(ROOT, 'scenarios', 'baseline.yaml'), { seed: 1, ticks, set: [`world.residents=${residents}`] });
  const session = new PlaySession(scenario);
  session.step();
  const t0 = performance.now();
  while (!session.done) session.step();
  return { perSecond: ((ticks - 1) * 1000) / (performance.now() - t0), summary: session.summary() };
}

async function main(args: string[]): Promise<number> {
  if (!existsSync(CHROMIUM)) {
    process.stderr.write(`bench/play.ts: ${CHROMIUM} not found (scripts/setup.sh --browser installs it)\n`);
    return 1;
  }
  const sizes = args.includes('--quick') ? SIZES.slice(0, 2) : SIZES;
  const dir = mkdtempSync(join(tmpdir(), 'urd-play-bench-'));
  const files = await playFiles({ presets: [{ file: 'baseline.yaml', scenario: loadScenario(join(ROOT, 'scenarios', 'baseline.yaml')) }], initial: 0 });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const exportBytes = Object.values(files).reduce((n, t) => n + Buffer.byteLength(t), 0);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
  const rows: Row[] = [];
  const failures: string[] = [];
  try {
    for (const { residents, ticks } of sizes) {
      const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
      page.on('console', (m) => void (m.type() === 'error' && failures.push(`${residents}: console error ${m.text()}`)));
      page.on('pageerror', (e) => failures.push(`${residents}: ${e.message}`));
      await page.addInitScript(() => {
        const seen: [number, number][] = [];
        new PerformanceObserver((list) => list.getEntries().forEach((e) => seen.push([e.startTime, e.duration]))).observe({ type: 'longtask', buffered: true });
        Object.assign(window, { urdLongTasks: seen });
      });
      await page.goto(`${pathToFileURL(join(dir, 'index.html')).href}?scenario=baseline&seed=1&residents=${residents}&ticks=${ticks}&autoplay=1`);
      await page.waitForFunction(() => (document.getElementById('urd-result')?.textContent ?? '') !== '', null, { timeout: 600_000 });
      const measured = await page.evaluate(() => {
        const w = window as unknown as { urdPlay: { arrivals(): number[] }; urdLongTasks: [number, number][] };
        return { arrivals: w.urdPlay.arrivals(), longTasks: w.urdLongTasks, result: document.getElementById('urd-result')?.textContent ?? '' };
      });
      const first = measured.arrivals[1];
      const last = measured.arrivals[ticks];
      // Loading the page (parsing the script, building the world) is not playing.
      const playing = measured.longTasks.filter(([start]) => start >= first).map(([, duration]) => duration);
      const node = nodeSpeed(residents, ticks);
      if (!isDeepStrictEqual(JSON.parse(measured.result), JSON.parse(JSON.stringify(node.summary)))) failures.push(`${residents}: the page's summary differs from the same run in Node`);
      rows.push({
        residents,
        ticks,
        pageTicksPerSecond: ((ticks - 1) * 1000) / (last - first),
        nodeTicksPerSecond: node.perSecond,
        longestTaskMs: Math.max(0, ...playing),
        longTasks: playing.length,
      });
      await page.close();
    }
  } finally {
    await browser.close();
  }
  if (exportBytes >= 5e6) failures.push(`export is ${exportBytes} bytes; expected under 5 MB`);
  const lines = [
    `export: ${(exportBytes / 1e6).toFixed(2)} MB (index.html + app.js)`,
    '',
    '| residents | ticks | page ticks/s | Node ticks/s (same code) | page / Node | longest main-thread task ms | long tasks (> 50 ms) |',
    '|--:|--:|--:|--:|--:|--:|--:|',
    ...rows.map(
      (r) =>
        `| ${r.residents.toLocaleString('en-US')} | ${r.ticks} | ${r.pageTicksPerSecond.toFixed(1)} | ${r.nodeTicksPerSecond.toFixed(1)} | ${(r.pageTicksPerSecond / r.nodeTicksPerSecond).toFixed(2)} | ${r.longestTaskMs.toFixed(0)} | ${r.longTasks} |`,
    ),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  for (const f of failures) process.stderr.write(`bench/play.ts: ${f}\n`);
  return failures.length > 0 ? 1 : 0;
}

process.exitCode = await main(process.argv.slice(2));
