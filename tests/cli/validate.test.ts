import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadComparisonFile } from '../../src/experiments/comparisonFile.ts';
import { localText } from '../../src/i18n/localText.ts';
import { InputError, InputErrors, loadScenario } from '../../src/scenario/load.ts';
import { scenarioJsonSchema } from '../../src/scenario/jsonSchema.ts';
import { INSTRUMENTS } from '../../src/scenario/schema.ts';
import { readScenarioTexts } from '../../src/scenario/read.ts';
import { closest } from '../../src/scenario/suggest.ts';
import { noEffectWarnings } from '../../src/scenario/warnings.ts';
import { tempDir, urd } from '../support.ts';

const BASE = join(process.cwd(), 'scenarios/baseline.yaml');

function errorsOf(fn: () => unknown): InputError[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof InputErrors) return [...err.errors];
    if (err instanceof InputError) return [err];
    throw err;
  }
  throw new Error('expected an input error');
}

describe('validation ergonomics', () => {
  it('reports every error of a file, in file order, with suggestions for typos', () => {
    const file = join(tempDir(), 'bad.yaml');
    writeFileSync(file, `extends: ${BASE}\ninterventions:\n  - { lever: policy, instrument: broadband, allocation: periphery_first, budget: 10 }\ncapital:\n  aglomeration: 0.2\n  alpha: 3\n`);
    const errors = errorsOf(() => loadScenario(file));
    expect(errors.map((e) => e.line)).toEqual([3, 5, 6]);
    expect(errors[0].message).toContain('did you mean "periphery-first"?');
    expect(errors[1].message).toContain('unknown field "aglomeration" (did you mean "agglomeration"?)');
    expect(errors[2].message).toMatch(/capital\.alpha: expected a value ≤ 0\.95, got 3/);
  });

  it('blames a --set typo on --set, and takes interventions[0] paths as errors print them', () => {
    const [e] = errorsOf(() => loadScenario(BASE, { set: ['capital.alpah=0.3'] }));
    expect(e.file).toBe('--set');
    expect(e.message).toContain('did you mean "alpha"?');
    const s = loadScenario(BASE, { set: ['interventions[0]={lever: policy, instrument: broadband, budget: 5}', 'interventions[0].budget=7'] });
    expect(s.interventions[0]).toMatchObject({ lever: 'policy', instrument: 'broadband', budget: 7 });
  });

  it('checks every file given and exits 2 naming each bad one', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.yaml'), 'ticks: many\n');
    writeFileSync(join(dir, 'b.yaml'), 'seed: -1\n');
    const r = urd(['validate', join(dir, 'a.yaml'), 'scenarios/baseline.yaml', join(dir, 'b.yaml')]);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('scenarios/baseline.yaml: ok');
    expect(r.stderr).toMatch(/a\.yaml:1: ticks/);
    expect(r.stderr).toMatch(/b\.yaml:1: seed/);
  });

  it('warns (and still passes) when an intervention can have no effect', () => {
    const base = loadScenario(BASE);
    const reform = { lever: 'talent', instrument: 'registration', intensity: 1, budget: 0, allocation: 'uniform', start: 1, end: 10, ramp: 0 } as const;
    expect(noEffectWarnings({ ...base, interventions: [{ ...reform, target: { class: 'rural' } }] })).toEqual([expect.stringMatching(/interventions\[0\]: registration reform acts only in urban places/)]);
    // The control: the same reform aimed at all places can act, and is not flagged.
    expect(noEffectWarnings({ ...base, interventions: [{ ...reform, target: { class: 'all' } }] })).toEqual([]);
    expect(noEffectWarnings({ ...base, ticks: 5, interventions: [{ ...reform, start: 6, target: { class: 'all' } }] })).toEqual([expect.stringMatching(/after the run ends/)]);
  });

  it('run, compare and sweep print the warning too, once per scenario, to stderr, with --quiet, and still exit 0', () => {
    const dir = tempDir();
    const futile = join(dir, 'futile.yaml');
    writeFileSync(futile, `extends: ${BASE}\nname: futile\nticks: 2\nworld: { residents: 1000 }\ninterventions:\n  - { lever: talent, instrument: registration, intensity: 1, target: { class: rural } }\n`);
    // The control: the same world without the futile reform.
    const plain = join(dir, 'plain.yaml');
    writeFileSync(plain, `extends: ${BASE}\nname: plain\nticks: 2\nworld: { residents: 1000 }\ninterventions: []\n`);
    writeFileSync(join(dir, 'sweep.yaml'), `name: futile-sweep\nbase: futile.yaml\nreplications: 1\nparameters:\n  capital.alpha: [0.3, 0.4]\nmetrics: [dpd_final]\n`);
    const warning = /^warning: \S*futile\.yaml: interventions\[0\]: registration reform acts only in urban places/;
    for (const args of [
      ['run', futile, '--out', join(dir, 'run')],
      ['compare', futile, plain, '--seeds', '1', '--out', join(dir, 'cmp')],
      ['sweep', join(dir, 'sweep.yaml'), '--workers', '1', '--out', join(dir, 'sweep')],
    ]) {
      const r = urd([...args, '--quiet']);
      expect(r.code, r.stderr).toBe(0);
      const lines = r.stderr.split('\n').filter((l) => l.startsWith('warning:'));
      expect(lines, args[0]).toHaveLength(1);
      expect(lines[0]).toMatch(warning);
    }
  });

  it('the JSON Schema lists the instruments of each lever', () => {
    const items = (scenarioJsonSchema().properties as Record<string, { items: { allOf: { if: { properties: { lever: { const: string } } }; then: { properties: { instrument: { enum: string[] } } } }[] } }>).interventions.items;
    for (const rule of items.allOf) expect(rule.then.properties.instrument.enum).toEqual([...INSTRUMENTS[rule.if.properties.lever.const as keyof typeof INSTRUMENTS]]);
    expect(items.allOf).toHaveLength(Object.keys(INSTRUMENTS).length);
  });

  it('suggests only close names', () => {
    expect(closest('aglomeration', ['agglomeration', 'alpha'])).toBe('agglomeration');
    expect(closest('alpah', ['alpha', 'delta'])).toBe('alpha');
    expect(closest('bridges', ['broadband', 'upgrade'])).toBeNull();
    // Equally close to en and zh: the slip is in the second letter, so zh.
    expect(closest('zn', ['en', 'zh'])).toBe('zh');
    expect(closest('em', ['en', 'zh'])).toBe('en');
  });
});

describe('Chinese text of the scenarios', () => {
  it('every stock scenario tells its title, story and question in Chinese', () => {
    for (const f of readdirSync('scenarios').filter((n) => n.endsWith('.yaml'))) {
      const s = loadScenario(join('scenarios', f));
      for (const k of ['title_zh', 'description_zh', 'question_zh'] as const) expect(s[k], `${f} ${k}`).toMatch(/[\u4e00-\u9fff]/);
    }
  });

  it('a file that rewrites the English without a translation does not inherit its parent’s Chinese', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'child.yaml'), `extends: ${BASE}\nquestion: "A different question?"\n`);
    const child = loadScenario(join(dir, 'child.yaml'));
    expect(child.question_zh).toBeUndefined();
    expect(child.title_zh).toBe(loadScenario(BASE).title_zh); // the title was not rewritten: its translation still fits
  });

  it('urd list reads the same texts as loading the scenario, and refuses a text that is not text', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'child.yaml'), `extends: ${BASE}\nquestion: "A different question?"\n`);
    for (const path of [join(dir, 'child.yaml'), ...readdirSync('scenarios').filter((n) => n.endsWith('.yaml')).map((f) => join('scenarios', f))]) {
      const s = loadScenario(path);
      const texts = readScenarioTexts(path);
      for (const k of ['title', 'description', 'question', 'title_zh', 'description_zh', 'question_zh'] as const) expect(texts[k] ?? (k.endsWith('_zh') ? undefined : ''), `${path} ${k}`).toBe(s[k]);
    }
    writeFileSync(join(dir, 'bad.yaml'), `extends: child.yaml\ntitle: [a, b]\n`);
    expect(() => readScenarioTexts(join(dir, 'bad.yaml'))).toThrow(/bad\.yaml:2: title: expected text, got a list/);
  });

  it('a per-language map reads as the title and its _zh, and every reader takes it through one accessor', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'map.yaml'), `extends: ${BASE}\ntitle: { en: Villages first, zh: 乡村优先 }\ndescription:\n  zh: 只有中文的故事\nquestion: { en: Does it close? }\n`);
    const s = loadScenario(join(dir, 'map.yaml'));
    expect(s).toMatchObject({ title: 'Villages first', title_zh: '乡村优先', description: '', description_zh: '只有中文的故事', question: 'Does it close?' });
    // The parent's Chinese question told the parent's story: the map without zh replaced it.
    expect(s.question_zh).toBeUndefined();
    expect(localText(s, 'zh')).toEqual({ title: '乡村优先', description: '只有中文的故事', question: 'Does it close?' });
    // A text given only in Chinese is shown in English too, rather than nothing.
    expect(localText(s, 'en')).toEqual({ title: 'Villages first', description: '只有中文的故事', question: 'Does it close?' });
    // The same text as flat fields gives the same scenario.
    writeFileSync(join(dir, 'flat.yaml'), `extends: ${BASE}\ntitle: Villages first\ntitle_zh: 乡村优先\ndescription: ''\ndescription_zh: 只有中文的故事\nquestion: Does it close?\n`);
    expect(loadScenario(join(dir, 'flat.yaml'))).toEqual(s);
    // On the command line, title.zh is the Chinese title.
    expect(loadScenario(join(dir, 'map.yaml'), { set: ['title.zh=村村通'] }).title_zh).toBe('村村通');
    // urd list shows the Chinese question, falling back to English where there is none.
    const listed = urd(['list', dir, '--lang', 'zh']);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toContain('Does it close?');
  });

  it('refuses an unknown language with a suggestion, a bad text and a Chinese text given twice differently', () => {
    const file = join(tempDir(), 'bad.yaml');
    writeFileSync(file, `extends: ${BASE}\ntitle:\n  en: A world\n  zn: 世界\ndescription: { en: 7 }\nquestion: { zh: 差距会缩小吗？ }\nquestion_zh: 差距会扩大吗？\ncapital: { alpha: 3 }\n`);
    const errors = errorsOf(() => loadScenario(file));
    expect(errors.map((e) => [e.field, e.line])).toEqual([
      ['title.zn', 4],
      ['description.en', 5],
      ['question.zh', 6],
      ['capital.alpha', 8],
    ]);
    expect(errors[0].message).toContain('unknown language "zn" (did you mean "zh"?); expected en or zh');
    expect(errors[1].message).toContain('expected a line of text, got 7');
    expect(errors[2].message).toContain('question.zh and question_zh both give the Chinese question, differently');
    // The same Chinese in both places is no conflict.
    writeFileSync(file, `extends: ${BASE}\nquestion: { zh: 差距会缩小吗？ }\nquestion_zh: 差距会缩小吗？\n`);
    expect(loadScenario(file).question_zh).toBe('差距会缩小吗？');
  });

  it('a comparison file takes the map for its title and question, checked the same way', () => {
    const dir = tempDir();
    const file = join(dir, 'c.yaml');
    const scenarios = `scenarios: [${join(process.cwd(), 'scenarios/allocation-core-first.yaml')}, ${join(process.cwd(), 'scenarios/allocation-periphery-first.yaml')}]\n`;
    writeFileSync(file, `${scenarios}title: { en: Orders, zh: 次序 }\nquestion: { en: Which?, zh: 哪个？ }\n`);
    expect(loadComparisonFile(file).text).toEqual({ title: 'Orders', title_zh: '次序', question: 'Which?', question_zh: '哪个？' });
    writeFileSync(file, `${scenarios}title: { zn: 次序 }\nquestion: { zh: 哪个？ }\nquestion_zh: 什么？\n`);
    expect(errorsOf(() => loadComparisonFile(file)).map((e) => [e.field, e.line, e.expected.slice(0, 40)])).toEqual([
      ['title.zn', 2, 'unknown language "zn" (did you mean "zh"'],
      ['question.zh', 3, 'question.zh and question_zh both give th'],
    ]);
  });

  it('the JSON Schema offers the map to editors, known languages only', () => {
    const title = (scenarioJsonSchema().properties as Record<string, { anyOf: { type: string; properties?: object; additionalProperties?: boolean }[] }>).title;
    expect(title.anyOf.map((a) => a.type)).toEqual(['string', 'object']);
    expect(Object.keys(title.anyOf[1].properties ?? {})).toEqual(['en', 'zh']);
    expect(title.anyOf[1].additionalProperties).toBe(false);
  });
});
