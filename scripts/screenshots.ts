/**
 * Regenerates the report screenshots under docs/images/ (after-{demo,run,sweep}-{en,zh}.png)
 * from the current code, so the README and the docs never show a report the code no longer
 * writes:   npx tsx scripts/screenshots.ts
 * Runs the demo, a baseline run and the quick sweep into a temporary folder, writes each report
 * in English and in Chinese, and photographs the first 2,400 px at 1280 px wide.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_FLAGS } from './chromium.ts';

const ROOT = join(import.meta.dirname, '..');
const urd = (...args: string[]) => execFileSync(process.execPath, [join(ROOT, 'bin', 'urd.mjs'), ...args, '--quiet'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });

const work = mkdtempSync(join(tmpdir(), 'urd-shots-'));
const folders = { demo: join(work, 'demo'), run: join(work, 'run'), sweep: join(work, 'sweep') };
urd('demo', '--out', folders.demo, '--no-report');
urd('run', join('scenarios', 'baseline.yaml'), '--out', folders.run, '--no-report');
urd('sweep', join('experiments', 'quick.yaml'), '--out', folders.sweep, '--workers', '2', '--no-report');

const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  for (const lang of ['en', 'zh']) {
    for (const [name, dir] of Object.entries(folders)) {
      urd('report', dir, '--lang', lang);
      await page.goto(pathToFileURL(join(dir, 'report.html')).href);
      await page.screenshot({ path: join(ROOT, 'docs', 'images', `after-${name}-${lang}.png`), clip: { x: 0, y: 0, width: 1280, height: 2400 }, fullPage: true });
      process.stdout.write(`docs/images/after-${name}-${lang}.png\n`);
    }
  }
} finally {
  await browser.close();
  rmSync(work, { recursive: true, force: true });
}
