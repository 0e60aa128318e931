/**
 * Opens report pages in headless Chromium (Debian's chromium package; .ci/run installs it)
 * and checks that every image decodes and nothing is logged to the console. Nothing is
 * downloaded: the page is a local file and Chromium's network features are switched off.
 */
import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeComparisonReport } from '../../src/report/compareReport.ts';
import { writeRunReport } from '../../src/report/runReport.ts';
import { writeSweepReport } from '../../src/report/sweepReport.ts';
import { skipUnavailable } from '../support.ts';
import { tempDir, writeFixtureComparison, writeFixtureRun, writeFixtureSweep } from './fixture.ts';

const CHROMIUM = [process.env.URD_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => p && existsSync(p));

/** Runs first in the page: records errors and console output, and on load writes what it found into the DOM. */
const PROBE = `<script>
window.__urd = [];
addEventListener('error', (e) => __urd.push('error: ' + (e.message || (e.target && e.target.tagName))), true);
addEventListener('securitypolicyviolation', (e) => __urd.push('csp: ' + e.violatedDirective));
for (const k of ['error', 'warn', 'log', 'info']) { const o = console[k]; console[k] = (...a) => { __urd.push(k + ': ' + a.join(' ')); o.apply(console, a); }; }
addEventListener('load', () => {
  const imgs = [...document.images];
  const pre = document.createElement('pre');
  pre.id = 'urd-probe';
  pre.textContent = JSON.stringify({ images: imgs.length, broken: imgs.filter((i) => !i.complete || i.naturalWidth === 0).map((i) => i.alt), sizes: imgs.map((i) => i.naturalWidth + 'x' + i.naturalHeight), errors: __urd });
  document.body.appendChild(pre);
});
</script>`;

interface Probe {
  images: number;
  broken: string[];
  sizes: string[];
  errors: string[];
  consoleLines: string[];
}

function openInChromium(page: string): Promise<Probe> {
  const dir = tempDir('urd-chromium-');
  const probePage = join(dir, 'probe.html');
  writeFileSync(probePage, readFileSync(page, 'utf8').replace('<head>', `<head>\n${PROBE}`));
  const args = [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-extensions',
    '--enable-logging=stderr',
    '--virtual-time-budget=10000',
    `--user-data-dir=${join(dir, 'profile')}`,
    '--dump-dom',
    `file://${probePage}`,
  ];
  return new Promise((resolve, reject) => {
    execFile(CHROMIUM as string, args, { timeout: 90_000, maxBuffer: 256 << 20 }, (err, stdout, stderr) => {
      const m = /<pre id="urd-probe">([\s\S]*?)<\/pre>/.exec(stdout);
      if (!m) return reject(new Error(`no probe result from chromium${err ? ` (${err.message})` : ''}; stderr:\n${stderr.slice(-2000)}`));
      const json = m[1].replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');
      // Chromium logs every console message of the page as a CONSOLE line on stderr.
      resolve({ ...(JSON.parse(json) as Omit<Probe, 'consoleLines'>), consoleLines: stderr.split('\n').filter((l) => l.includes(':CONSOLE')) });
    });
  });
}

const noChromium = skipUnavailable('the browser test', CHROMIUM ? null : 'Chromium is not installed (apt-get install chromium, or set URD_CHROMIUM to its path)');

describe.skipIf(noChromium)('report.html in headless Chromium', () => {
  it('shows every picture of a run report and logs no console error', async () => {
    const dir = tempDir();
    writeFixtureRun(dir);
    const report = writeRunReport(dir, { pngs: false });
    const probe = await openInChromium(report.path);
    expect(probe.images).toBe(report.charts.length);
    expect(probe.broken).toEqual([]);
    expect(probe.sizes.every((s) => s === '1280x720')).toBe(true);
    expect(probe.errors).toEqual([]);
    expect(probe.consoleLines).toEqual([]);
  });

  it('would notice a broken picture and a console error (the probe itself works)', async () => {
    const page = join(tempDir(), 'bad.html');
    writeFileSync(page, '<!DOCTYPE html><html><head><title>bad</title></head><body><img alt="broken" src="data:image/png;base64,AAAA"><script>console.error("boom")</script></body></html>');
    const probe = await openInChromium(page);
    expect(probe.broken).toEqual(['broken']);
    expect(probe.errors).toContain('error: boom');
    expect(probe.consoleLines.some((l) => l.includes('boom'))).toBe(true);
  });

  it('shows the pictures of sweep and comparison reports', async () => {
    const sweep = tempDir();
    writeFixtureSweep(sweep);
    const compare = tempDir();
    writeFixtureComparison(compare, ['a', 'b'], [1, 2]);
    for (const report of [writeSweepReport(sweep), writeComparisonReport(compare)]) {
      const probe = await openInChromium(report.path);
      expect(probe.images).toBe(report.charts.length);
      expect(probe.broken).toEqual([]);
      expect([...probe.errors, ...probe.consoleLines]).toEqual([]);
    }
  });
});
