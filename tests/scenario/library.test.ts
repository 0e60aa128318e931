import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scenarioJsonSchema } from '../../src/scenario/jsonSchema.ts';
import { loadScenario } from '../../src/scenario/load.ts';
import { INSTRUMENTS, LEVERS } from '../../src/scenario/schema.ts';

const files = readdirSync('scenarios').filter((f) => f.endsWith('.yaml'));

describe('the scenario library', () => {
  const scenarios = files.map((f) => ({ file: f, s: loadScenario(join('scenarios', f)) }));

  it('holds at least 14 valid scenarios, each with a story and a question, named after its file', () => {
    expect(scenarios.length).toBeGreaterThanOrEqual(14);
    for (const { file, s } of scenarios) {
      expect(s.name).toBe(file.replace(/\.yaml$/, ''));
      expect(s.title.length).toBeGreaterThan(10);
      expect(s.description.split(/\s+/).length).toBeGreaterThan(20);
      expect(s.question).toMatch(/\?$/);
    }
  });

  it('covers each lever alone, both time orders, the four allocation rules and a combined package', () => {
    const names = new Set(scenarios.map((x) => x.s.name));
    for (const lever of LEVERS) expect(names.has(`lever-${lever}`)).toBe(true);
    for (const n of ['programme-forward', 'programme-reverse', 'programme-simultaneous', 'allocation-core-first', 'allocation-periphery-first', 'allocation-need-based', 'allocation-uniform', 'common-prosperity', 'laissez-faire-agglomeration', 'dual-structure', 'digital-run'])
      expect(names.has(n)).toBe(true);
    const forward = scenarios.find((x) => x.s.name === 'programme-forward')!.s.interventions.map((i) => i.lever);
    const reverse = scenarios.find((x) => x.s.name === 'programme-reverse')!.s.interventions.map((i) => i.lever);
    expect(forward).toEqual([...LEVERS]);
    expect(reverse).toEqual([...LEVERS].reverse());
  });

  it('baseline is the default world: 4 rings, 100,000 residents, 50 yearly ticks', () => {
    const b = scenarios.find((x) => x.s.name === 'baseline')!.s;
    expect(b.world.rings.map((r) => r.count)).toEqual([1, 6, 24, 120]);
    expect(b.world.residents).toBe(100_000);
    expect(b.ticks).toBe(50);
  });

  it('every instrument exists for its lever', () => {
    for (const lever of LEVERS) expect(INSTRUMENTS[lever].length).toBeGreaterThanOrEqual(2);
  });
});

describe('the JSON Schema for editors', () => {
  it('is committed and up to date (regenerate with npx tsx scripts/export-schema.ts)', () => {
    const committed = JSON.parse(readFileSync('docs/scenario.schema.json', 'utf8'));
    expect(committed).toEqual(JSON.parse(JSON.stringify(scenarioJsonSchema())));
  });

  it('describes each model parameter with its unit and range', () => {
    const schema = scenarioJsonSchema() as { properties: Record<string, { properties?: Record<string, { description?: string; minimum?: number; maximum?: number }> }> };
    const alpha = schema.properties.capital.properties!.alpha;
    expect(alpha.description).toMatch(/Capital share/);
    expect(alpha.minimum).toBe(0.05);
    expect(alpha.maximum).toBe(0.95);
  });
});
