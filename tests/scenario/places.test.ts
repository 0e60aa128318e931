import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildLayout } from '../../src/engine/geometry.ts';
import { hierarchyCounts } from '../../src/engine/places.ts';
import { initializeWorld, weightedSplit } from '../../src/model/initialize.ts';
import { InputError, loadScenario } from '../../src/scenario/load.ts';
import { parsePlacesCsv } from '../../src/scenario/placesCsv.ts';
import { scenarioSchema } from '../../src/scenario/schema.ts';
import { tempDir } from '../support.ts';

const RINGS = scenarioSchema.parse({}).world.rings.map(({ count: _c, radius: _r, ...rest }) => rest);

describe('a generated central-place hierarchy', () => {
  const hierarchy = { cores: 2, coreRadius: 5, branching: [3, 4, 2], radius: [2, 0.8, 0.3] };
  const world = scenarioSchema.parse({ world: { residents: 5000, rings: RINGS, places: { hierarchy } } }).world;

  it('has cores × the product of branchings on each level, each child at its level\'s radius from its parent', () => {
    const layout = buildLayout(world);
    expect(hierarchyCounts(hierarchy)).toEqual([2, 6, 24, 48]);
    expect(Array.from(layout.ringStart)).toEqual([0, 2, 8, 32, 80]);
    for (let p = 0; p < 80; p++) {
      const q = layout.parent[p];
      if (layout.ring[p] === 0) {
        expect(q).toBe(-1);
        expect(Math.hypot(layout.x[p], layout.y[p])).toBeCloseTo(5, 12);
        continue;
      }
      expect(layout.ring[q]).toBe(layout.ring[p] - 1);
      expect(Math.hypot(layout.x[p] - layout.x[q], layout.y[p] - layout.y[q])).toBeCloseTo(hierarchy.radius[layout.ring[p] - 1], 12);
    }
  });

  it('refuses branching and radius lists that do not give one entry per ring after the first', () => {
    const r = scenarioSchema.safeParse({ world: { rings: RINGS, places: { hierarchy: { ...hierarchy, branching: [3, 4] } } } });
    expect(r.success).toBe(false);
    expect(JSON.stringify(r.error?.issues)).toMatch(/expected 3 entries, one per ring after the first/);
  });
});

const CSV = `id,name,parent,level,x,y,population,tech
v2,Xiazhai,t1,3,3,0.5,300,0.2
c,Seat,,0,0,0,1000,0.9
s,Subdistrict,c,1,1,0,500,0.8
t1,Town,s,2,3,0,200,0.5
v1,Shangzhai,t1,3,3,-0.5,100,0.3
`;

describe('places from a CSV', () => {
  it('sorts rows by level, links parents by id and carries population and start values into the world', () => {
    const t = parsePlacesCsv(CSV, 'p.csv', 10, 4);
    expect(t.id).toEqual(['c', 's', 't1', 'v2', 'v1']);
    expect(t.parent).toEqual([-1, 0, 1, 2, 2]);
    const scenario = scenarioSchema.parse({ world: { residents: 1000, rings: RINGS, places: { table: t } } });
    const world = initializeWorld(scenario, 1);
    // The villages ring holds 30% of residents (300), split 3:1 by the villages' populations.
    expect(world.places.population[3]).toBe(225);
    expect(world.places.population[4]).toBe(75);
    expect(world.places.tech[3]).toBeCloseTo(0.2, 12);
    expect(world.places.tech[4]).toBeCloseTo(0.3, 12);
  });

  it('projects lon/lat to distance units of kmPerUnit kilometres', () => {
    const t = parsePlacesCsv('id,name,parent,level,lon,lat\na,A,,0,100,25\nb,B,a,1,100,26\n', 'p.csv', 10, 2);
    expect(Math.hypot(t.x[1] - t.x[0], t.y[1] - t.y[0])).toBeCloseTo(11.132, 6); // 1° of latitude = 111.32 km
  });

  it.each([
    ['a missing column', CSV.replace(',tech', ',cost'), /p\.csv:1: cost: unknown column/],
    ['an unknown parent', CSV.replace('v2,Xiazhai,t1', 'v2,Xiazhai,t9'), /p\.csv:2: parent: no place has the id "t9"/],
    ['a parent on the same level', CSV.replace('v1,Shangzhai,t1', 'v1,Shangzhai,v2'), /p\.csv:6: parent: expected a parent on a lower level than 3/],
    ['a duplicate id', CSV.replace('v1,', 'v2,'), /p\.csv:6: id: expected a unique id; "v2" is also on line 2/],
    ['a level beyond the rings', CSV.replace('v1,Shangzhai,t1,3', 'v1,Shangzhai,t1,4'), /p\.csv:6: level: expected a number 0\.\.3, got "4"/],
    ['a level with no places', CSV.replace('s,Subdistrict,c,1', 's,Subdistrict,c,2').replace('t1,Town,s,2', 't1,Town,c,2'), /level: expected places on every level 0\.\.3 \(one per ring\); level 1 has none/],
    ['a value out of range', CSV.replace('300,0.2', '300,7'), /p\.csv:2: tech: expected a number 0\.\.2, got "7"/],
  ])('refuses %s, naming the file, line and column', (_what, text, message) => {
    expect(() => parsePlacesCsv(text, 'p.csv', 10, 4)).toThrow(InputError);
    expect(() => parsePlacesCsv(text, 'p.csv', 10, 4)).toThrow(message);
  });

  it('is read by loadScenario relative to the scenario file, and the rings get their counts from it', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'p.csv'), CSV);
    writeFileSync(join(dir, 's.yaml'), `world:\n  residents: 1000\n  rings:\n${RINGS.map((r) => `    - { label: ${r.label}, class: ${r.class} }`).join('\n')}\n  places: { file: p.csv }\n`);
    const s = loadScenario(join(dir, 's.yaml'));
    expect(s.world.rings.map((r) => r.count)).toEqual([1, 1, 1, 2]);
    expect(s.world.places && 'table' in s.world.places && s.world.places.table.id.length).toBe(5);
  });
});

describe('the stock scenarios with places', () => {
  it('province-100k generates 111,111 places and county-places reads its 57 from the CSV', () => {
    expect(loadScenario('scenarios/large/province-100k.yaml').world.rings.map((r) => r.count)).toEqual([1, 10, 100, 1000, 10_000, 100_000]);
    expect(loadScenario('scenarios/county-places.yaml').world.rings.reduce((n, r) => n + r.count, 0)).toBe(57);
  });
});

describe('weightedSplit', () => {
  it('gives each place its share of residents, rounded by largest remainders to the exact total', () => {
    const w = Float64Array.from([3, 1, 0, 2.5]);
    const split = weightedSplit(w, 13);
    expect(split.reduce((a, b) => a + b, 0)).toBe(13);
    split.forEach((c, p) => expect(Math.abs(c - (13 * w[p]) / 6.5)).toBeLessThan(1));
    expect(split[2]).toBe(0);
  });
});
