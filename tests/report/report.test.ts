import { describe, expect, it, vi } from 'vitest';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { folderKind, reportCommand } from '../../src/cli/report.ts';
import { SUMMARY_METRICS } from '../../src/metrics/summary.ts';
import { writeComparisonReport } from '../../src/report/compareReport.ts';
import { pngSize } from '../../src/report/render.ts';
import { PLACE_ROWS_FLAG, renderRunCharts, writeRunReport } from '../../src/report/runReport.ts';
import { HEADLINES as HEADLINES_BY_LANG } from '../../src/i18n/report.ts';
import { readCsv } from '../../src/report/sweepData.ts';
import { writeSweepReport } from '../../src/report/sweepReport.ts';
import { fmtNumber } from '../../src/report/theme.ts';
import { runScenario } from '../../src/run/runScenario.ts';
import { InputError } from '../../src/scenario/load.ts';
import { scenarioSchema } from '../../src/scenario/schema.ts';
import { tempDir, writeFixtureComparison, writeFixtureRun, writeFixtureSweep } from './fixture.ts';

const HEADLINES = HEADLINES_BY_LANG.en;

/** Asserts that a page holds a text, without dumping the whole page (it embeds megabytes of PNG) on failure. */
function has(html: string, text: string, yes = true): void {
  expect(html.includes(text), `${yes ? 'missing' : 'unexpected'}: ${text.slice(0, 120)}`).toBe(yes);
}

const imgCount = (html: string) => (html.match(/<img src="data:image\/png;base64,/g) ?? []).length;

describe('run report', () => {
  it('holds every chart, the story, the question and the summary values, in one self-contained file', () => {
    const dir = tempDir();
    const { summary } = writeFixtureRun(dir);
    const r = writeRunReport(dir);
    const html = readFileSync(r.path, 'utf8');
    const ids = r.charts.map((c) => c.id);
    expect(ids).toEqual(expect.arrayContaining(['dpd', 'stage-ratios', 'flows', 'ladder', 'inequality', 'spending', 'map-tau', 'map-income_pc']));
    expect(ids.filter((i) => i.startsWith('profile-')).length).toBe(4);
    expect(imgCount(html)).toBe(r.charts.length);
    for (const c of r.charts) {
      has(html, c.png.toString('base64'));
      expect(readFileSync(join(dir, 'charts', `${c.id}.png`)).equals(c.png)).toBe(true);
    }
    // Self-contained: nothing fetched from anywhere.
    expect(/<(script|link)\b/.test(html)).toBe(false);
    expect(/src="(?!data:)/.test(html)).toBe(false);
    // Links only to the run's own files, relative, so the folder can move.
    expect(/href="(?!#)(?!metrics\.csv|summary\.json|manifest\.json|events\.ndjson|charts\/)/.test(html)).toBe(false);
    // Story and question, escaped.
    expect(html).toContain('Fixture &lt;world&gt; &amp; &quot;friends&quot;');
    expect(html).toContain('Does the &lt;gap&gt; close?');
    has(html, HEADLINES[summary.verdict]);
    has(html, summary.sentence);
    // Summary values from summary.json.
    for (const m of SUMMARY_METRICS) has(html, fmtNumber(summary.final[m]));
    has(html, fmtNumber(summary.dpd.initial));
    has(html, fmtNumber(summary.dpd.final));
    has(html, '40.0%'); // rural share at the end
    has(html, summary.gap.rules.net);
    expect(r.notes).toEqual([]);
  });

  it('says how to get ring maps when the run has no place rows', () => {
    const dir = tempDir();
    writeFixtureRun(dir, { placeRows: false, interventions: false });
    const r = writeRunReport(dir, { pngs: false });
    const html = readFileSync(r.path, 'utf8');
    expect(r.charts.some((c) => c.id.startsWith('map-'))).toBe(false);
    has(html, PLACE_ROWS_FLAG);
    expect(existsSync(join(dir, 'charts'))).toBe(false);
  });

  it('gives the same page and pictures from the same files', () => {
    const dir = tempDir();
    writeFixtureRun(dir, { ticks: 12 });
    const a = readFileSync(writeRunReport(dir).path);
    const b = readFileSync(writeRunReport(dir).path);
    expect(a.equals(b)).toBe(true);
  });

  // How fast is the benchmark's business (bench/, as a ratio to the run), never a timed test's.
  it('reports a timing for every chart of a 50-tick run', () => {
    const dir = tempDir();
    writeFixtureRun(dir, { ticks: 50 });
    renderRunCharts(dir); // warm-up: the first use builds the canvases
    const rc = renderRunCharts(dir);
    const total = Object.values(rc.timings).reduce((s, v) => s + v, 0);
    expect(Object.keys(rc.timings).sort()).toEqual(rc.charts.map((c) => c.id).sort());
    expect(total).toBeGreaterThan(0);
  });

  it('reports a real run of the simulator, ring maps included', () => {
    const dir = tempDir();
    const scenario = scenarioSchema.parse({ name: 'tiny', title: 'Tiny', ticks: 8, world: { residents: 2000 }, metrics: { placeMetrics: true } });
    runScenario(scenario, { dir });
    const r = writeRunReport(dir);
    expect(r.charts.map((c) => c.id)).toEqual(expect.arrayContaining(['dpd', 'map-tau']));
    for (const c of r.charts) expect(pngSize(c.png)).toEqual({ width: 1280, height: 720 });
  });
});

describe('sweep and comparison reports', () => {
  it('draws the heat maps and the per-point table of a sweep folder', () => {
    const dir = tempDir();
    writeFixtureSweep(dir);
    const r = writeSweepReport(dir);
    const html = readFileSync(r.path, 'utf8');
    expect(r.charts.map((c) => c.id)).toEqual(['heatmap', 'narrowed-share']);
    expect(imgCount(html)).toBe(2);
    has(html, 'narrowed: 8 of 18 runs');
    has(html, 'Per point, from aggregate.csv');
    expect(readdirSync(join(dir, 'charts')).sort()).toEqual(['heatmap.png', 'narrowed-share.png']);
  });

  it('overlays the scenarios of a comparison folder with bands, and names the smallest gap', () => {
    const dir = tempDir();
    writeFixtureComparison(dir);
    const r = writeComparisonReport(dir);
    const html = readFileSync(r.path, 'utf8');
    expect(r.charts.map((c) => c.id)).toEqual(['trajectories', 'final-gap']);
    expect(imgCount(html)).toBe(2);
    // Without compare.json the first scenario is the reference, and no scenario's own question is borrowed.
    has(html, 'Does the &lt;gap&gt; close?', false);
    const finals = readCsv(join(dir, 'compare-runs.csv'));
    const lowest = Math.min(...finals.rows.map((r) => Number(r[4])));
    expect(lowest).toBeLessThan(Math.max(...finals.rows.map((r) => Number(r[4]))));
    has(html, 'leaves the smallest gap');
  });

  it('asks the comparison’s own question against the chosen reference, in Chinese too', () => {
    const dir = tempDir();
    writeFixtureComparison(dir);
    writeFileSync(join(dir, 'compare.json'), JSON.stringify({ reference: 'periphery-first', question: 'Does the <gap> close?', question_zh: '差距会缩小吗？' }));
    const en = readFileSync(writeComparisonReport(dir).path, 'utf8');
    expect(en).toContain('Does the &lt;gap&gt; close?');
    expect(en).toMatch(/reference: [^<]*·|<em>\(reference\)<\/em> <code>periphery-first<\/code>/);
    const zh = readFileSync(writeComparisonReport(dir, { lang: 'zh' }).path, 'utf8');
    expect(zh).toContain('<html lang="zh-CN">');
    expect(zh).toContain('差距会缩小吗？');
    expect(zh).toContain('参照');
  });

  it('takes plain data from a command that computed it', () => {
    const dir = tempDir();
    const ticks = [0, 1, 2];
    const r = writeComparisonReport(dir, {
      title: 'Plain data',
      trajectories: [{ label: 'x', ticks, mean: [1, 0.8, 0.5], lo: [0.9, 0.7, 0.4], hi: [1.1, 0.9, 0.6] }],
      finals: [{ label: 'x', value: 0.5, lo: 0.4, hi: 0.6 }],
    });
    expect(readFileSync(r.path, 'utf8')).toContain('<title>Plain data</title>');
  });
});

describe('a sweep report in Chinese', () => {
  it('takes the experiment file’s Chinese title and story (a per-language map), in English the English', () => {
    const dir = tempDir();
    writeFixtureSweep(dir);
    const exp = join(dir, 'exp.yaml');
    writeFileSync(exp, 'title:\n  en: Barrier and agglomeration\n  zh: 户籍壁垒与集聚\ndescription: { en: Which matters more?, zh: 哪个更重要？ }\n');
    writeFileSync(join(dir, 'sweep.json'), JSON.stringify({ name: 'fixture-sweep', parameters: ['talent.barrier', 'capital.agglomeration'], experiment: exp }));
    const zh = readFileSync(writeSweepReport(dir, { lang: 'zh' }).path, 'utf8');
    has(zh, '<h1>户籍壁垒与集聚</h1>');
    has(zh, '哪个更重要？');
    // The swept parameters by their Chinese names from the glossary, with their paths.
    has(zh, '户籍壁垒（talent.barrier）、集聚弹性 γ（capital.agglomeration）');
    has(zh, 'Barrier and agglomeration', false);
    const en = readFileSync(writeSweepReport(dir, { lang: 'en' }).path, 'utf8');
    has(en, '<h1>Barrier and agglomeration</h1>');
    has(en, '户籍壁垒与集聚', false);
  });
});

describe('urd report', () => {
  it('writes the report of each folder and prints its path', async () => {
    const root = tempDir();
    const run = join(root, 'run');
    const sweep = join(root, 'sweep');
    writeFixtureRun(run, { ticks: 6, placeRows: false });
    writeFixtureSweep(sweep);
    expect(folderKind(run)).toBe('run');
    expect(folderKind(sweep)).toBe('sweep');
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      expect(await reportCommand(['--quiet', run, sweep])).toBe(0);
      expect(out.mock.calls.map((c) => String(c[0]))).toEqual([`${join(run, 'report.html')}\n`, `${join(sweep, 'report.html')}\n`]);
    } finally {
      out.mockRestore();
    }
    expect(existsSync(join(run, 'report.html')) && existsSync(join(sweep, 'report.html'))).toBe(true);
  });

  it('--open hands the written report to the opener in BROWSER; a missing opener is one note, not a failure', async () => {
    const root = tempDir();
    const run = join(root, 'run');
    writeFixtureRun(run, { ticks: 4, placeRows: false });
    // An opener that records what it was asked to open, instead of a real browser.
    const record = join(root, 'opened.txt');
    const opener = join(root, 'opener.sh');
    writeFileSync(opener, `#!/bin/sh\nprintf '%s' "$1" > '${record}'\n`, { mode: 0o755 });
    const saved = process.env.BROWSER;
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      process.env.BROWSER = opener;
      expect(await reportCommand(['--quiet', '--open', run])).toBe(0);
      await vi.waitFor(() => expect(existsSync(record)).toBe(true), { timeout: 5000, interval: 20 });
      await vi.waitFor(() => expect(readFileSync(record, 'utf8')).toBe(join(run, 'report.html')), { timeout: 5000, interval: 20 });
      expect(err.mock.calls).toEqual([]);
      process.env.BROWSER = join(root, 'no-such-browser');
      expect(await reportCommand(['--quiet', '--open', run])).toBe(0);
      // The spawn failure arrives as an event after the report is written.
      await vi.waitFor(() => expect(err.mock.calls.length).toBe(1), { timeout: 5000, interval: 20 });
      const note = String(err.mock.calls[0][0]);
      expect(note).toMatch(/^note: could not open .*report\.html \(.*no-such-browser not available\); open it by hand\n$/);
      expect(out.mock.calls.map((c) => String(c[0]))).toEqual([`${join(run, 'report.html')}\n`, `${join(run, 'report.html')}\n`]);
    } finally {
      if (saved === undefined) delete process.env.BROWSER;
      else process.env.BROWSER = saved;
      out.mockRestore();
      err.mockRestore();
    }
  });

  it('refuses a folder that holds no run, sweep or comparison', () => {
    const empty = join(tempDir(), 'empty');
    mkdirSync(empty);
    expect(() => folderKind(empty)).toThrow(InputError);
    expect(() => reportCommand([])).toThrow(InputError);
  });
});
