import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkReliabilityPage, RELIABILITY_BLOCKS, RELIABILITY_PAGE, reliabilityBlocks, reliabilityCommand, type Reports } from '../../scripts/reliabilityDocs.ts';
import { fillBlocks } from '../../bench/docs.ts';
import { tempDir } from './helpers.ts';
import { reportTally } from './tally.ts';

/** Reports as the four suites would write them, with figures no real run gives (so each must come from here). */
const REPORTS: Reports = {
  properties: { suite: 'properties', knobs: { propertyRuns: 7 }, tally: { properties: 6, cases: 42 } },
  hostile: {
    suite: 'hostile',
    knobs: { fuzzCases: 11 },
    tally: { scenario: { loaded: 3, refused: 28 }, experiment: { loaded: 5, refused: 15 }, set: { loaded: 4, refused: 7 }, fixed: 4, cli: 13 },
  },
  kill: { suite: 'kill', knobs: { kills: 9, killSeed: 77 }, tally: { kills: 9, runs: 4, identicalRuns: 4, beforeFirstTick: 2, ticks: [3, 17, 58, 99], cleanStops: 2 } },
  folders: {
    suite: 'folders',
    knobs: { fuzzCases: 11, casesEach: 20 },
    tally: { refused: 12, written: 7, failed: 1, plannedRefused: 15, plannedOpened: 5, editsRefused: 8, editsRead: 31 },
  },
};
const scratch = tempDir('urd-reldocs-');
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const KNOBS = { propertyRuns: 7, fuzzCases: 11, kills: 9, killSeed: 77 };

describe('npm run reliability writes docs/reliability.md', () => {
  it('docs/reliability.md has each generated block once', () => {
    expect(() => checkReliabilityPage(RELIABILITY_PAGE.file)).not.toThrow();
    const text = readFileSync(RELIABILITY_PAGE.file, 'utf8');
    for (const name of RELIABILITY_BLOCKS) {
      expect(text.split(`<!-- reliability:${name} -->`).length, name).toBe(2);
      expect(text.split(`<!-- /reliability:${name} -->`).length, name).toBe(2);
    }
  });

  it('fills the blocks with the command, the knobs, the date and the counts of each suite', () => {
    const blocks = reliabilityBlocks(KNOBS, REPORTS, '2031-02-03');
    expect(reliabilityCommand(KNOBS)).toBe('npm run reliability -- --property-runs 7 --fuzz-cases 11 --kills 9 --kill-seed 77');
    expect(blocks.run).toContain('`npm run reliability -- --property-runs 7 --fuzz-cases 11 --kills 9 --kill-seed 77` on 2031-02-03');
    expect(blocks.run).toContain('URD_PROPERTY_RUNS=7 URD_FUZZ_CASES=11 URD_KILLS=9 URD_KILL_SEED=77');
    const f = blocks.figures;
    expect(f).toContain('6 properties × 7 random valid scenarios = 42 cases');
    // 31 scenario inputs (11 + 11 mutations, 4 hand-made files, so 5 --set indices) + 20 experiment files + 11 --set overrides + 13 CLI cases.
    expect(f).toContain('75 inputs. 31 scenario inputs (11 structured and 11 byte-level mutations, 4 hand-made hostile files, 5 hostile `--set` list indices): 28 refused with `InputError`, 3 still valid');
    expect(f).toContain('11 hostile `--set` overrides: 7 refused, 4 loaded');
    expect(f).toContain('20 experiment files: 15 refused, 5 loaded. 13 cases through the CLI');
    expect(f).toContain('seed 77): 9 SIGKILLs at random moments over 4 runs; 2 landed before the first tick was written, 7 after (at 4 different ticks between 3 and 99). 4 of 4 runs finished byte-identical');
    expect(f).toContain('SIGTERM: 2 of 2 stopped');
    // Under load every kill may land before the first tick: the page must say so, not invent a range.
    const early = { ...REPORTS, kill: { ...REPORTS.kill, tally: { ...REPORTS.kill.tally, runs: 1, identicalRuns: 1, beforeFirstTick: 9, ticks: [] } } };
    expect(reliabilityBlocks(KNOBS, early, '2031-02-03').figures).toContain('9 SIGKILLs at random moments over 1 run; 9 landed before the first tick was written, 0 after. 1 of 1 run finished');
    expect(f).toContain('20 cases each): 20 output folders offered to a run or a comparison: 12 refused with nothing changed, 7 written, 1 stopped by an `OutputError`');
    expect(f).toContain('20 sweep and calibration folders: 15 refused with nothing changed, 5 opened');
    expect(f).toContain('39 reads, 8 refused as bad input, 31 read');
    const page = 'intro\n<!-- reliability:run -->\nold\n<!-- /reliability:run -->\nprose\n<!-- reliability:figures -->\n<!-- /reliability:figures -->\n';
    expect(fillBlocks(page, blocks, RELIABILITY_PAGE)).toBe(`intro\n<!-- reliability:run -->\n${blocks.run}\n<!-- /reliability:run -->\nprose\n<!-- reliability:figures -->\n${f}\n<!-- /reliability:figures -->\n`);
  });

  it('a page without a block’s markers is an error naming the page', () => {
    const path = join(scratch, 'page.md');
    writeFileSync(path, '<!-- reliability:run -->\n<!-- /reliability:run -->\n');
    expect(() => checkReliabilityPage(path)).toThrow(`${path} has no <!-- reliability:figures --> … <!-- /reliability:figures --> block`);
    expect(() => fillBlocks('<!-- bench:a -->\n', { a: 'x' }, RELIABILITY_PAGE)).toThrow('docs/reliability.md has no <!-- reliability:a -->');
  });

  it('a suite writes its report only when URD_RELIABILITY_REPORT names a folder', () => {
    const before = readdirSync(scratch);
    reportTally('kill', { kills: 3 }, { kills: 3 }, {});
    expect(readdirSync(scratch)).toEqual(before);
    const into = join(scratch, 'reports');
    reportTally('kill', { kills: 3, killSeed: 5 }, { kills: 3, ticks: [1, 2] }, { URD_RELIABILITY_REPORT: into });
    expect(readdirSync(into)).toEqual(['kill.json']);
    expect(JSON.parse(readFileSync(join(into, 'kill.json'), 'utf8'))).toEqual({ suite: 'kill', knobs: { kills: 3, killSeed: 5 }, tally: { kills: 3, ticks: [1, 2] } });
    expect(existsSync(join(into, 'kill.json.tmp'))).toBe(false);
  });
});
