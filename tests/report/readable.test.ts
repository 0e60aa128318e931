/**
 * What a reader sees: Chinese glyphs drawn (not boxes), colours that stay apart under
 * deuteranopia, a log axis labelled up to its data, colour scales anchored, and an unknown
 * --metric refused without touching the old report.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { heatRange } from '../../src/report/compareCharts.ts';
import { emptyChart, renderPng } from '../../src/report/render.ts';
import { writeComparisonReport } from '../../src/report/compareReport.ts';
import { writeSweepReport } from '../../src/report/sweepReport.ts';
import { SERIES_COLOURS, STAGE_COLOURS, STAGE_DASHES } from '../../src/report/theme.ts';
import { logTicks } from '../../src/report/ticks.ts';
import { InputError } from '../../src/scenario/load.ts';
import { csvLine } from '../../src/io/csv.ts';
import { tempDir, writeFixtureComparison, writeFixtureRun, writeFixtureSweep } from './fixture.ts';
import { reportText } from '../../src/i18n/report.ts';
import { readRunFolder } from '../../src/report/read.ts';
import { writeRunReport } from '../../src/report/runReport.ts';
import { dpdChart, inequalityChart, interventionBands, ladderChart, spendingByRingChart } from '../../src/report/timeCharts.ts';
import { runScenario } from '../../src/run/runScenario.ts';
import { LEVERS, scenarioSchema } from '../../src/scenario/schema.ts';

/** Decoded RGBA pixels of a chart with one title (node-canvas draws it; we read it back through the same canvas). */
async function pixels(title: string): Promise<Uint8ClampedArray> {
  const { loadImage, createCanvas } = await import('canvas');
  const img = await loadImage(renderPng(emptyChart(title, ''), { width: 640, height: 120 }));
  const c = createCanvas(img.width, img.height);
  const ctx = c.getContext('2d');
  ctx.drawImage(img, 0, 0);
  return ctx.getImageData(0, 0, img.width, img.height).data;
}

const differing = (a: Uint8ClampedArray, b: Uint8ClampedArray) => a.reduce((n, v, i) => n + (v !== b[i] ? 1 : 0), 0);

describe('Chinese in charts', () => {
  it('draws each character as its own glyph, not the same box for all', async () => {
    // Missing glyphs all render as the same box ("tofu"): two different four-character titles
    // would then give the same picture. Real glyphs differ, and differ from boxes drawn on purpose.
    const a = await pixels('数字势差');
    const b = await pixels('差序格局');
    const boxes = await pixels('\u25A1\u25A1\u25A1\u25A1');
    expect(differing(a, b)).toBeGreaterThan(500);
    expect(differing(a, boxes)).toBeGreaterThan(500);
    const blank = await pixels('');
    expect(differing(a, blank)).toBeGreaterThan(500); // something was drawn at all
  });
});

/** sRGB hex → CIELAB after simulating deuteranopia (Machado, Oliveira & Fernandes 2009, severity 1). */
function deuteranopeLab(hex: string): number[] {
  const lin = (c: number) => (c / 255 <= 0.04045 ? c / 255 / 12.92 : ((c / 255 + 0.055) / 1.055) ** 2.4);
  const rgb = [1, 3, 5].map((i) => lin(parseInt(hex.slice(i, i + 2), 16)));
  const M = [
    [0.367322, 0.860646, -0.227968],
    [0.280085, 0.672501, 0.047413],
    [-0.01182, 0.04294, 0.968881],
  ];
  const [r, g, b] = M.map((row) => Math.min(1, Math.max(0, row[0] * rgb[0] + row[1] * rgb[1] + row[2] * rgb[2])));
  const f = (t: number) => (t > 0.008856 ? Math.cbrt(t) : 7.787 * t + 16 / 116);
  const X = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047;
  const Y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  const Z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883;
  return [116 * f(Y) - 16, 500 * (f(X) - f(Y)), 200 * (f(Y) - f(Z))];
}

describe('colour-blind safety', () => {
  const apart = (colours: string[]) => {
    for (let i = 0; i < colours.length; i++)
      for (let j = i + 1; j < colours.length; j++) {
        const [p, q] = [deuteranopeLab(colours[i]), deuteranopeLab(colours[j])];
        expect(Math.hypot(p[0] - q[0], p[1] - q[1], p[2] - q[2]), `${colours[i]} vs ${colours[j]}`).toBeGreaterThan(20);
      }
  };
  it('keeps the five stages and the first five series apart under deuteranopia, and gives each stage its own dash', () => {
    const stages = ['technology', 'capital', 'talent', 'production', 'rights'];
    apart(stages.map((s) => STAGE_COLOURS[s]));
    apart(SERIES_COLOURS.slice(0, 5));
    expect(new Set(stages.map((s) => JSON.stringify(STAGE_DASHES[s]))).size).toBe(5);
  });
  it('the control: orange and vermillion (the old capital and rights) are too close under deuteranopia', () => {
    const [p, q] = [deuteranopeLab('#E69F00'), deuteranopeLab('#D55E00')];
    expect(Math.hypot(p[0] - q[0], p[1] - q[1], p[2] - q[2])).toBeLessThan(20);
  });
});

describe('direct labels on the ladder and inequality charts', () => {
  /** Non-white pixels in the strip right of x (where end labels go; a legend would be above the plot). */
  async function inkRightOf(png: Buffer, x: number): Promise<number> {
    const { loadImage, createCanvas } = await import('canvas');
    const img = await loadImage(png);
    const c = createCanvas(img.width, img.height);
    c.getContext('2d').drawImage(img, 0, 0);
    const d = c.getContext('2d').getImageData(x, 0, img.width - x, img.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i] + d[i + 1] + d[i + 2] < 600) n++;
    return n;
  }

  it('name every series at its end instead of in a legend, each line with its own dash', async () => {
    const dir = tempDir();
    writeFixtureRun(dir, { ticks: 10, placeRows: false });
    const table = readRunFolder(dir).metrics;
    for (const cfg of [ladderChart(table), inequalityChart(table, 'zh')]) {
      expect(cfg.options.plugins.legend.display).toBe(false);
      expect((cfg.plugins ?? []).map((p: { id: string }) => p.id)).toContain('urdEndLabels');
      expect(cfg.data.datasets.every((d: { label: string; urdNoLabel?: boolean }) => d.label && !d.urdNoLabel)).toBe(true);
    }
    const dashes = inequalityChart(table).data.datasets.map((d: { borderDash: number[] }) => JSON.stringify(d.borderDash));
    expect(new Set(dashes).size).toBe(dashes.length);
    // The labels are drawn: the margin right of the plot holds ink, which it does not without the plugin.
    const ladder = ladderChart(table);
    const right = 1280 - 250 + 10;
    expect(await inkRightOf(renderPng(ladder), right)).toBeGreaterThan(2000);
    expect(await inkRightOf(renderPng({ ...ladder, plugins: [] }), right)).toBeLessThan(50);
  });
});

describe('axes and scales', () => {
  it('labels a log axis from a nice value below the data to one above it', () => {
    const t = logTicks(0.8, 80);
    expect(t[0]).toBe(0.5);
    expect(t[t.length - 1]).toBe(100);
    expect(t).toContain(50);
    expect(logTicks(1, 2)).toEqual([1, 2]);
  });
  it('anchors one-signed heat maps at 0 and centres mixed ones on 0', () => {
    expect(heatRange([0.98, 1.36], false)).toEqual({ lo: 0, hi: 1.36, div: false });
    expect(heatRange([-0.5, 2], false)).toEqual({ lo: -2, hi: 2, div: true });
    expect(heatRange([0.2, 0.4], true)).toEqual({ lo: 0, hi: 1, div: false });
  });
});

describe('report --metric', () => {
  it('refuses an unknown metric, naming the valid ones, and leaves the old report as it was', () => {
    const dir = tempDir();
    writeFixtureSweep(dir);
    const before = readFileSync(writeSweepReport(dir).path, 'utf8');
    expect(() => writeSweepReport(dir, { metric: 'dpd_fianl' })).toThrow(/--metric: expected one of .*dpd_final.*did you mean "dpd_final"/);
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).toBe(before);
    const cmp = tempDir();
    writeFixtureComparison(cmp);
    const old = readFileSync(writeComparisonReport(cmp).path, 'utf8');
    expect(() => writeComparisonReport(cmp, { metric: 'dpx' })).toThrow(InputError);
    expect(readFileSync(join(cmp, 'report.html'), 'utf8')).toBe(old);
  });

  it('draws a sweep over one text parameter as bars, one per value', () => {
    const dir = tempDir();
    const rows = [csvLine(['run', 'point', 'replication', 'seed', 'interventions[0].allocation', 'verdict', 'dpd_final'])];
    ['core-first', 'periphery-first'].forEach((a, p) => {
      for (let r = 0; r < 2; r++) rows.push(csvLine([2 * p + r, p, r, r, a, 'diverging', 1 + p + 0.1 * r]));
    });
    writeFileSync(join(dir, 'runs.csv'), rows.join(''));
    writeFileSync(join(dir, 'sweep.json'), JSON.stringify({ name: 'text', parameters: ['interventions[0].allocation'] }));
    const r = writeSweepReport(dir);
    expect(r.charts.map((c) => c.id)).toEqual(['effect-interventions[0].allocation']);
    const png = r.charts[0].png;
    expect(png.length).toBeGreaterThan(10_000); // bars drawn, not an empty frame
  });
});

describe('what the run charts show', () => {
  it('spending per resident by ring puts the core on top under core first and the villages on top under periphery first', () => {
    const perRing = (allocation: 'core-first' | 'periphery-first') => {
      const dir = join(tempDir(), allocation);
      const s = scenarioSchema.parse({ ticks: 3, world: { residents: 2000 }, interventions: [{ lever: 'capital', instrument: 'transfer', allocation, budget: 50 }] });
      runScenario(s, { dir });
      const cfg = spendingByRingChart(readRunFolder(dir).metrics, s.world.rings, LEVERS);
      return cfg.data.datasets.map((d: { data: { y: number | null }[] }) => d.data[d.data.length - 1].y as number);
    };
    const core = perRing('core-first');
    const periphery = perRing('periphery-first');
    expect(core[0]).toBeGreaterThan(core[core.length - 1]);
    expect(periphery[periphery.length - 1]).toBeGreaterThan(periphery[0]);
  });

  it('draws programmes in a strip under the time axis, leaving the plot unshaded however many overlap', async () => {
    const dir = tempDir();
    writeFixtureRun(dir, { ticks: 10, placeRows: false });
    const table = readRunFolder(dir).metrics;
    const ivs = scenarioSchema.parse({
      interventions: ['broadband', 'upgrade'].flatMap((instrument) => [1, 2, 3].map((k) => ({ label: `${instrument} ${k}`, lever: 'policy', instrument, budget: k }))),
    }).interventions;
    const { loadImage, createCanvas } = await import('canvas');
    const img = await loadImage(renderPng(dpdChart(table, ivs)));
    const ctx = createCanvas(img.width, img.height).getContext('2d');
    ctx.drawImage(img, 0, 0);
    // The plot's lower-right area, away from the line: as white as the page (no translucent fills stacked on it).
    const [r, g, b] = ctx.getImageData(1100, 420, 1, 1).data;
    expect(Math.min(r, g, b)).toBeGreaterThan(235);
    expect(interventionBands(ivs, 10).map((band) => band.lane)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('puts the answer and the key chart before everything else in a run report, and links its files', () => {
    const dir = tempDir();
    writeFixtureRun(dir, { ticks: 6, placeRows: false });
    const html = readFileSync(writeRunReport(dir).path, 'utf8');
    const at = (s: string) => html.indexOf(s);
    expect(at('id="answer"')).toBeGreaterThan(0);
    expect(at('id="answer"')).toBeLessThan(at('id="fig-dpd"'));
    expect(at('id="fig-dpd"')).toBeLessThan(at('<nav'));
    expect(at('<nav')).toBeLessThan(at('id="fig-stage-ratios"'));
    for (const f of ['metrics.csv', 'summary.json', 'manifest.json']) expect(html).toContain(`href="${f}"`);
  });

  it('says "1 parameter", not "1 parameters"', () => {
    expect(reportText('en').sweepSubtitle(24, 1, 'dpd_final')).toContain('1 parameter ·');
    expect(reportText('en').sweepSubtitle(24, 3, 'dpd_final')).toContain('3 parameters');
  });
});
