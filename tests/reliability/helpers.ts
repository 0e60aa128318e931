import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { ALLOCATIONS, INSTRUMENTS, INTENSITY_INSTRUMENTS, LEVERS, scenarioSchema, type Scenario } from '../../src/scenario/schema.ts';

export { envCount, ROOT, skipUnavailable, URD, tempDir, urd, urdChild, type CliResult } from '../support.ts';

/** The files a finished run folder must hold, compared byte for byte. */
export const COMPARED = ['metrics.csv', 'events.ndjson', 'summary.json', 'manifest.json'] as const;

/** Names of files that differ between two run folders (or exist in one only), over every file of both. */
export function folderDiff(a: string, b: string): string[] {
  const names = new Set([...readdirSync(a), ...readdirSync(b)]);
  const out: string[] = [];
  for (const n of [...names].sort()) {
    const pa = join(a, n);
    const pb = join(b, n);
    if (!existsSync(pa) || !existsSync(pb)) out.push(`${n} (only in ${existsSync(pa) ? a : b})`);
    else if (statSync(pa).isFile() && !readFileSync(pa).equals(readFileSync(pb))) out.push(n);
  }
  return out;
}

/** True when no line of stderr looks like a JavaScript stack frame. */
export function noStack(stderr: string): boolean {
  return !/^\s+at .+\(.+:\d+:\d+\)|^\s+at file:|node:internal/m.test(stderr);
}

type NumberSchema = { minValue: number | null; maxValue: number | null; isInt: boolean };

/** Bounds of every numeric parameter of a section of the schema, read from the schema itself (so new parameters are covered). */
function sectionBounds(section: string): Record<string, NumberSchema> {
  const shape = (scenarioSchema.shape as Record<string, { _zod: { def: { innerType?: { shape?: Record<string, { _zod: { def: { innerType?: unknown } } }> } } } }>)[section];
  const inner = shape._zod.def.innerType?.shape ?? {};
  const out: Record<string, NumberSchema> = {};
  for (const [k, v] of Object.entries(inner)) {
    const num = v._zod.def.innerType as NumberSchema | undefined;
    if (num && typeof num.minValue === 'number' && typeof num.maxValue === 'number') out[k] = num;
  }
  return out;
}

/**
 * A value of [min, max]: an end point, uniform, or log-uniform down to 1e-9 of the top. Uniform
 * draws over a range like 0..1000 almost never give 0.001, where divisions and logarithms are
 * most fragile, so the log-uniform branch tries the small values.
 */
export function rangeArb(min: number, max: number): fc.Arbitrary<number> {
  const options = [fc.constant(min), fc.constant(max), fc.double({ min, max, noNaN: true, noDefaultInfinity: true })];
  const lo = Math.max(min, max * 1e-9);
  if (lo > 0 && max / lo > 10) options.push(fc.double({ min: Math.log(lo), max: Math.log(max), noNaN: true }).map((x) => Math.min(max, Math.max(min, Math.exp(x)))));
  return fc.oneof(...options);
}

function paramArb(b: NumberSchema): fc.Arbitrary<number> {
  const min = b.minValue as number;
  const max = b.maxValue as number;
  return b.isInt ? fc.integer({ min, max: Math.min(max, min + 1000) }) : rangeArb(min, max);
}

/** Random values over the whole valid range of every parameter of the given sections. */
function sectionArb(section: string): fc.Arbitrary<Partial<Record<string, number>>> {
  const bounds = sectionBounds(section);
  return fc.record(Object.fromEntries(Object.entries(bounds).map(([k, b]) => [k, paramArb(b)])), { requiredKeys: [] });
}

const unit = fc.double({ min: 0, max: 1, noNaN: true });

/**
 * Random valid scenarios on small worlds: 2–4 rings of 1–10 places, 1–1,500 residents, 1–12
 * ticks, every model parameter anywhere in its documented range (small values included, see
 * rangeArb), 0–3 interventions of any
 * lever, instrument, allocation and timing, either fiscal mode. Returns resolved scenarios
 * (defaults filled by the schema).
 */
export const smallScenario: fc.Arbitrary<Scenario> = fc
  .record({
    seed: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
    ticks: fc.integer({ min: 1, max: 12 }),
    residents: fc.integer({ min: 1, max: 1500 }),
    rings: fc.array(
      fc.record({
        count: fc.integer({ min: 1, max: 10 }),
        gap: fc.double({ min: 0.1, max: 5, noNaN: true }),
        urban: fc.boolean(),
        popShare: unit,
        tech: fc.double({ min: 0, max: 2, noNaN: true }),
        capital: fc.oneof(fc.double({ min: 0, max: 5, noNaN: true }), rangeArb(0, 1000)),
        rights: unit,
        skill: unit,
        access: unit,
        amenity: fc.double({ min: -5, max: 5, noNaN: true }),
      }),
      { minLength: 2, maxLength: 4 },
    ),
    talentSigma: fc.double({ min: 0, max: 3, noNaN: true }),
    skillSpread: fc.double({ min: 0, max: 0.5, noNaN: true }),
    technology: sectionArb('technology'),
    capital: sectionArb('capital'),
    talent: sectionArb('talent'),
    diffusion: sectionArb('diffusion'),
    rights: sectionArb('rights'),
    policy: sectionArb('policy'),
    fiscalMode: fc.constantFrom('share', 'fixed'),
    fiscalValue: fc.oneof(unit, rangeArb(0, 1e6)),
    interventions: fc.array(
      fc.record({
        lever: fc.constantFrom(...LEVERS),
        pick: fc.nat(),
        allocation: fc.constantFrom(...ALLOCATIONS),
        start: fc.integer({ min: 1, max: 12 }),
        length: fc.integer({ min: 0, max: 12 }),
        ramp: fc.integer({ min: 0, max: 5 }),
        budget: rangeArb(1e-6, 1e4),
        intensity: rangeArb(1e-6, 100),
        cls: fc.constantFrom('urban', 'rural', 'all'),
        ringMask: fc.nat({ max: 15 }),
      }),
      { maxLength: 3 },
    ),
    placeMetrics: fc.boolean(),
  })
  .map((g) => {
    let radius = 0;
    const rings = g.rings.map((r, i) => {
      if (i > 0 || r.count > 1) radius += r.gap;
      return {
        label: `r${i}`,
        count: r.count,
        radius,
        class: i === 0 || r.urban ? 'urban' : 'rural',
        popShare: i === 0 ? Math.max(r.popShare, 0.05) : r.popShare,
        tech: r.tech,
        capital: r.capital,
        rights: r.rights,
        skill: r.skill,
        access: r.access,
        amenity: r.amenity,
      };
    });
    const interventions = g.interventions.map((iv) => {
      const instruments = INSTRUMENTS[iv.lever];
      const instrument = instruments[iv.pick % instruments.length];
      const byIntensity = (INTENSITY_INSTRUMENTS as readonly string[]).includes(instrument);
      const target: { class: string; rings?: number[] } = { class: iv.cls };
      const chosen = rings.map((_, k) => k).filter((k) => iv.ringMask & (1 << k));
      if (chosen.length > 0) target.rings = chosen;
      return {
        lever: iv.lever,
        instrument,
        target,
        allocation: iv.allocation,
        start: iv.start,
        end: iv.start + iv.length,
        ramp: iv.ramp,
        budget: byIntensity ? 0 : iv.budget,
        intensity: byIntensity ? iv.intensity : 0,
      };
    });
    return scenarioSchema.parse({
      name: 'prop',
      seed: g.seed,
      ticks: g.ticks,
      world: { residents: g.residents, rings, talentSigma: g.talentSigma, skillSpread: g.skillSpread },
      technology: g.technology,
      capital: g.capital,
      talent: g.talent,
      diffusion: g.diffusion,
      rights: g.rights,
      policy: g.policy,
      fiscal: { mode: g.fiscalMode, value: g.fiscalValue },
      interventions,
      metrics: { placeMetrics: g.placeMetrics },
    });
  });
