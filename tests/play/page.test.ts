import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { PageData } from '../../src/play/page/pageData.ts';
import { ROOT, tempDir, urd, urdChild } from '../support.ts';
import { CHROMIUM, CHROMIUM_FLAGS } from '../../scripts/chromium.ts';

/**
 * The classroom page in Debian's chromium (never a downloaded browser), opened from file:// as
 * a teacher opens an exported folder. One browser for the whole file; small worlds, few ticks.
 */
const haveBrowser = existsSync(CHROMIUM);
// Without chromium a developer's run skips (scripts/setup.sh --browser installs it); CI must have it.
const skipBrowser = !haveBrowser && !process.env.CI;
if (skipBrowser) console.warn(`tests/play/page.test.ts: browser tests skipped: ${CHROMIUM} not found (run scripts/setup.sh --browser)`);

type Summary = { dpd: { final: number }; [k: string]: unknown };

/** dpd per tick from a run folder's metrics.csv, parsed as the numbers the CLI wrote. */
function dpdSeries(runDir: string): number[] {
  return readFileSync(join(runDir, 'metrics.csv'), 'utf8')
    .split('\n')
    .filter((line) => line.includes(',all,dpd,'))
    .map((line) => Number(line.split(',')[3]));
}

/** Runs `urd run ARGS` in a child while the browser works; resolves to the run folder. */
function runCli(args: string[]): Promise<string> {
  const out = join(tempDir(), 'run');
  const child = urdChild(['run', ...args, '--out', out, '--quiet']);
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => void (stderr += d.toString()));
  return new Promise((resolve, reject) => child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`urd run ${args.join(' ')}: exit ${code}: ${stderr}`)))));
}

/** One export for the whole file, as a teacher makes it, opening on the teacher's own scenario. */
let dir: string;
beforeAll(() => {
  const lesson = join(tempDir(), 'my-lesson.yaml');
  writeFileSync(lesson, `extends: ${join(ROOT, 'scenarios', 'baseline.yaml')}\nname: my-lesson\nticks: 12\n`);
  dir = join(tempDir(), 'class');
  expect(urd(['play', lesson, '--export', dir]).code).toBe(0);
});

describe('urd play --export', () => {
  it('writes a folder under 5 MB with everything inside (no network), and refuses a folder holding other files', () => {
    expect(readdirSync(dir).sort()).toEqual(['app.js', 'index.html']);
    const bytes = readdirSync(dir).reduce((n, f) => n + statSync(join(dir, f)).size, 0);
    expect(bytes).toBeLessThan(5e6);
    const html = readFileSync(join(dir, 'index.html'), 'utf8');
    // Only the local script; no CDN, no module script (file:// blocks modules and fetch).
    expect([...html.matchAll(/<script[^>]*src="([^"]+)"/g)].map((m) => m[1])).toEqual(['app.js']);
    expect(html).not.toMatch(/type="module"|https?:\/\/(?!www\.w3\.org)/);
    // The page opens on the scenario given on the command line, after it the twenty stock ones.
    const data = JSON.parse(/<script type="application\/json" id="urd-data">(.*?)<\/script>/s.exec(html)?.[1] ?? '{}') as PageData;
    expect(data.presets[data.initial].scenario.name).toBe('my-lesson');
    expect(data.presets[data.initial].scenario.ticks).toBe(12);
    expect(data.presets.map((p) => p.file)).toEqual(['my-lesson.yaml', ...readdirSync(join(ROOT, 'scenarios')).filter((f) => f.endsWith('.yaml')).sort()]);
    // A folder with a teacher's file in it is not ours to write into.
    const foreign = tempDir();
    writeFileSync(join(foreign, 'lesson-notes.txt'), 'mine');
    const refused = urd(['play', '--export', foreign]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('lesson-notes.txt');
    expect(readdirSync(foreign)).toEqual(['lesson-notes.txt']);
  });
});

describe('urd play (server)', () => {
  it('serves the page on 127.0.0.1 and stops cleanly on Ctrl-C', async () => {
    const child = urdChild(['play', '--no-open']);
    let out = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /http:\/\/127\.0\.0\.1:(\d+)\//.exec(out);
        if (m) resolve(m[0]);
      });
      child.on('exit', () => reject(new Error(`exited early: ${out}`)));
    });
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<script src="app.js"></script>');
    expect((await fetch(`${url}app.js`)).status).toBe(200);
    expect((await fetch(`${url}../etc/passwd`)).status).toBe(404);
    const code = await new Promise<number | null>((resolve) => {
      child.on('exit', (c) => resolve(c));
      child.kill('SIGINT');
    });
    expect(code).toBe(0);
  });
});

describe.skipIf(skipBrowser)('urd play in chromium, from file://', () => {
  let browser: Browser;
  let index: string;
  const errors: string[] = [];

  beforeAll(async () => {
    index = pathToFileURL(join(dir, 'index.html')).href;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
  });
  afterAll(async () => {
    await browser?.close();
  });

  async function open(query: string, viewport = { width: 1280, height: 800 }): Promise<Page> {
    const page = await browser.newPage({ viewport, acceptDownloads: true });
    page.on('console', (m) => void (m.type() === 'error' && errors.push(m.text())));
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${index}?${query}`);
    return page;
  }

  const result = async (page: Page, id = 'urd-result'): Promise<Summary> => {
    await page.waitForFunction((el) => (document.getElementById(el)?.textContent ?? '') !== '', id, { timeout: 45_000 });
    return JSON.parse((await page.textContent(`#${id}`)) as string);
  };

  it('autoplays baseline, seed 7, 10 ticks, to the CLI\'s final DPD and summary at full precision', async () => {
    const cli = runCli([join(ROOT, 'scenarios', 'baseline.yaml'), '--seed', '7', '--ticks', '10']);
    const page = await open('scenario=baseline&seed=7&ticks=10&autoplay=1');
    const summary = await result(page);
    const expected = JSON.parse(readFileSync(join(await cli, 'summary.json'), 'utf8')) as Summary;
    expect(Object.is(summary.dpd.final, expected.dpd.final)).toBe(true);
    expect(summary).toStrictEqual(expected);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('plays, takes a lever and a world slider moved mid-run at the next tick, and saves a scenario the CLI reproduces', async () => {
    const setup = ['--seed', '3', '--ticks', '12', '--set', 'world.residents=4000'];
    // Control: the preset without the edit, run meanwhile.
    const control = runCli([join(ROOT, 'scenarios', 'allocation-core-first.yaml'), ...setup]);
    const page = await open('scenario=allocation-core-first&seed=3&ticks=12&residents=4000&speed=2');
    await page.click('#play');
    // A teacher pauses once the world runs, drags the broadband budget up, turns it periphery
    // first, and plays on. The pause is clicked inside the page as soon as tick 1 is shown, so
    // the run cannot end first however busy the machine is.
    await page.evaluate(
      () =>
        new Promise<void>((resolve) => {
          const check = () => {
            if ((window as unknown as { urdPlay: { tick(): number } }).urdPlay.tick() < 1) return void requestAnimationFrame(check);
            (document.getElementById('play') as HTMLButtonElement).click();
            resolve();
          };
          check();
        }),
    );
    await page.locator('#budget-policy').fill('1500'); // input and change events, as a drag ends
    await page.selectOption('#allocation-policy', 'periphery-first');
    await page.locator('#setup-spillover').fill('0'); // a world slider: a schedule entry for the same tick
    expect(await page.textContent('#timeline')).toContain('(pending)');
    await page.click('#play');
    const summary = await result(page);
    expect(await page.locator('#timeline li').count()).toBe(3);

    const download = page.waitForEvent('download');
    await page.click('#save');
    const saved = join(tempDir(), 'saved.yaml');
    await (await download).saveAs(saved);
    const scenario = parse(readFileSync(saved, 'utf8')) as { interventions: { lever: string; allocation: string; budget: number; start: number; end: number }[]; schedule: unknown[] };
    const edited = scenario.interventions.filter((iv) => iv.lever === 'policy');
    expect(scenario.schedule).toEqual([{ path: 'technology.spillover', at: edited[1].start, value: 0, ramp: 0 }]);
    expect(edited.map((iv) => [iv.allocation, iv.budget])).toEqual([
      ['core-first', 400],
      ['periphery-first', 1500],
    ]);
    const at = edited[1].start;
    expect(edited[0].end).toBe(at - 1);
    expect(at).toBeGreaterThanOrEqual(2);
    expect(at).toBeLessThanOrEqual(12);

    // The saved file reproduces the page: summary and the DPD chart, number for number.
    const replay = await runCli([saved]);
    expect(summary).toStrictEqual(JSON.parse(readFileSync(join(replay, 'summary.json'), 'utf8')));
    const charts = await page.evaluate(() => (window as unknown as { urdPlay: { chartValues(): Record<string, number[][]> } }).urdPlay.chartValues());
    const pageDpd = charts.dpd[0];
    expect(pageDpd).toEqual(dpdSeries(replay));
    // Against the control, the charts agree before the edit and part from its tick on.
    const unedited = dpdSeries(await control);
    expect(pageDpd.slice(0, at)).toEqual(unedited.slice(0, at));
    for (let t = at; t <= 12; t++) expect(pageDpd[t]).not.toBe(unedited[t]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('undoes a change: one still waiting never happens, one applied is reverted from the next tick', async () => {
    const page = await open('scenario=allocation-core-first&seed=2&ticks=6&residents=2000');
    const tick = () => page.evaluate(() => (window as unknown as { urdPlay: { tick(): number } }).urdPlay.tick());
    const step = async () => {
      const before = await tick();
      await page.click('#step');
      await page.waitForFunction((t) => (window as unknown as { urdPlay: { tick(): number } }).urdPlay.tick() > t, before);
    };
    await page.waitForFunction(() => document.querySelector('#timeline li') !== null);
    await step();
    await page.selectOption('#allocation-capital', 'need-based');
    await page.click('#undo'); // still waiting for tick 2: dropped
    expect(await page.locator('#timeline li.empty').count()).toBe(1);
    await page.locator('#budget-policy').fill('1500');
    await step(); // tick 2 runs with 1500
    await page.click('#undo'); // reverted from tick 3
    expect(await page.textContent('#timeline')).toMatch(/undo: policy/);
    await step();
    expect(await page.inputValue('#budget-policy')).toBe('400');
    const download = page.waitForEvent('download');
    await page.click('#save');
    const saved = join(tempDir(), 'undone.yaml');
    await (await download).saveAs(saved);
    const ivs = (parse(readFileSync(saved, 'utf8')) as { interventions: { lever: string; allocation: string; budget: number; start: number; end: number }[] }).interventions;
    expect(ivs.filter((iv) => iv.lever === 'policy').map((iv) => [iv.start, iv.end, iv.budget])).toEqual([
      [1, 1, 400],
      [2, 2, 1500],
      [3, 50, 400],
    ]);
    expect(ivs.filter((iv) => iv.lever === 'capital').map((iv) => iv.allocation)).toEqual(['core-first']);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('lays out in English and Chinese at 1920×1080 and 1280×800 with nothing overlapping or cut (screenshots in docs/images)', async () => {
    const images = join(ROOT, 'docs', 'images');
    mkdirSync(images, { recursive: true });
    // One run, side by side; the language switched on the page, the window resized.
    const page = await open('lang=en&compare=1&seed=1&ticks=8&residents=5000&autoplay=1', { width: 1920, height: 1080 });
    await result(page);
    // Click the core (the centre of the map): its numbers appear beside the map.
    const map = page.locator('#c-map');
    const box = (await map.boundingBox()) as { width: number; height: number };
    await map.click({ position: { x: box.width / 2, y: (box.height - 110) / 2 } });
    expect(await page.textContent('#place-info')).toMatch(/#0 \(ring core\)/);
    for (const lang of ['en', 'zh']) {
      if (lang === 'zh') {
        await page.click('#lang');
        // The map can show each place's change since tick 0 instead of its level.
        await page.selectOption('#scale', 'change');
      }
      expect(await page.getAttribute('html', 'lang')).toBe(lang === 'zh' ? 'zh-CN' : 'en');
      expect(await page.textContent('#status')).toContain(lang === 'zh' ? '数字势差' : 'digital potential difference (数字势差)');
      for (const [width, height] of [
        [1920, 1080],
        [1280, 800],
      ]) {
        await page.setViewportSize({ width, height });
        await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
        expect(await page.evaluate(layoutProblems)).toEqual([]);
        await page.screenshot({ path: join(images, `play-${lang}-${width}x${height}.png`) });
      }
      await page.setViewportSize({ width: 1920, height: 1080 });
    }
    await page.close();
    expect(errors).toEqual([]);
  });
});

/** Runs in the page: text cut by its box, and controls or panels drawn over each other. */
function layoutProblems(): string[] {
  const problems: string[] = [];
  const name = (e: Element) => `${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ''}${e.className && typeof e.className === 'string' ? `.${e.className.split(' ')[0]}` : ''} "${(e.textContent ?? '').trim().slice(0, 30)}"`;
  const shown = (e: Element) => {
    const r = e.getBoundingClientRect();
    return r.width > 0 && r.height > 0;
  };
  const texts = document.querySelectorAll('header *, #controls *, #status *, #map-controls *, #place-info *');
  const measure = document.createElement('canvas').getContext('2d') as CanvasRenderingContext2D;
  for (const e of texts) {
    if (!shown(e)) continue;
    const el = e as HTMLElement;
    if (el instanceof HTMLSelectElement) {
      const style = getComputedStyle(el);
      measure.font = `${style.fontSize} ${style.fontFamily}`;
      const text = el.selectedOptions[0]?.text ?? '';
      // The arrow and padding take about 24px of a select.
      if (measure.measureText(text).width > el.clientWidth - 24) problems.push(`cut: ${name(el)} shows "${text}"`);
      continue;
    }
    if (getComputedStyle(el).display === 'inline') continue;
    if (el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1) {
      if (!(el.id === 'timeline' && el.scrollHeight > el.clientHeight)) problems.push(`cut: ${name(el)} (${el.scrollWidth}×${el.scrollHeight} in ${el.clientWidth}×${el.clientHeight})`);
    }
  }
  const overlap = (a: DOMRect, b: DOMRect) => a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5;
  const groups = [...document.querySelectorAll('header, .field, .lever, .buttons, #status, #map-controls, .grid, #app')];
  for (const g of groups) {
    const kids = [...g.children].filter(shown);
    for (let i = 0; i < kids.length; i++) {
      for (let j = i + 1; j < kids.length; j++) {
        if (overlap(kids[i].getBoundingClientRect(), kids[j].getBoundingClientRect())) problems.push(`overlap: ${name(kids[i])} and ${name(kids[j])}`);
      }
    }
  }
  if (document.documentElement.scrollWidth > window.innerWidth) problems.push(`page wider than the window: ${document.documentElement.scrollWidth} > ${window.innerWidth}`);
  return problems;
}
