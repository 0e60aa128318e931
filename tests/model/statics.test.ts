import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { reportTick } from '../../src/metrics/reporters.ts';
import { initializeWorld } from '../../src/model/initialize.ts';
import { tick } from '../../src/model/tick.ts';
import { scenarioSchema } from '../../src/scenario/schema.ts';
import { ROOT } from '../support.ts';

/**
 * Comparative statics: for each mechanism of docs/ODD.md, two runs that differ in that one
 * setting only (same seeds, so the same random numbers), and the direction its effect must
 * take. The table of mechanisms and directions in docs/ODD.md ("Comparative statics") is
 * checked against the list below, row for row.
 *
 * The worlds are small and every other setting is the default, so the tests follow the model
 * when it is recalibrated; each compares a low and a high value far enough apart that the
 * direction, not a size, is what is asserted. Effects are measured over the whole run (the
 * mean or the sum over ticks 1..T), summed over two seeds.
 */

const TICKS = 10;
const SEEDS = [1, 2];
const RINGS = [
  { label: 'core', count: 1, radius: 0, class: 'urban', popShare: 0.3, tech: 0.9, capital: 3, rights: 0.8, skill: 0.6, access: 0.9, amenity: 0.2 },
  { label: 'suburbs', count: 4, radius: 1, class: 'urban', popShare: 0.2, tech: 0.75, capital: 2.2, rights: 0.7, skill: 0.5, access: 0.8, amenity: 0.1 },
  { label: 'towns', count: 8, radius: 2.5, class: 'rural', popShare: 0.2, tech: 0.5, capital: 1.3, rights: 0.5, skill: 0.35, access: 0.6, amenity: 0 },
  { label: 'villages', count: 16, radius: 4.5, class: 'rural', popShare: 0.3, tech: 0.3, capital: 0.8, rights: 0.35, skill: 0.25, access: 0.4, amenity: 0 },
];

/** Every row reportTick wrote, as one series per scope/metric (index = tick). */
type Series = Map<string, number[]>;

/** The scenario input with `path` (dotted) set to `value`. */
function withSetting(input: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const out = structuredClone(input);
  const keys = path.split('.');
  let at = out;
  for (const k of keys.slice(0, -1)) at = (at[k] ??= {}) as Record<string, unknown>;
  at[keys[keys.length - 1]] = value;
  return out;
}

function simulate(input: Record<string, unknown>, seed: number): Series {
  const world = initializeWorld(scenarioSchema.parse(input), seed);
  const series: Series = new Map();
  const record = () => {
    for (const r of reportTick(world)) {
      const key = `${r.scope}/${r.metric}`;
      if (!series.has(key)) series.set(key, []);
      (series.get(key) as number[]).push(r.value);
    }
  };
  record();
  for (let t = 0; t < TICKS; t++) {
    tick(world);
    record();
  }
  return series;
}

/** The series of a metric; fails loudly when the model stops reporting it. */
function get(s: Series, key: string): number[] {
  const v = s.get(key);
  if (!v) throw new Error(`no metric ${key} in the report`);
  return v;
}
/** Mean over ticks 1..T of a metric (the area under its path: "faster" and "higher" both raise it). */
const mean = (key: string) => (s: Series) => get(s, key).slice(1).reduce((a, b) => a + b, 0) / TICKS;
/** Sum over ticks 1..T of a per-tick flow. */
const total = (...keys: string[]) => (s: Series) => keys.reduce((sum, k) => sum + get(s, k).slice(1).reduce((a, b) => a + b, 0), 0);
/** Mean over ticks of the share of residents at level ≥ `level` in a scope. */
const atLeast = (scope: string, level: 1 | 2 | 3) => (s: Series) => {
  let sum = 0;
  for (let k = level; k <= 3; k++) sum += mean(`${scope}/level${k}`)(s);
  return sum;
};

interface Static {
  /** The mechanism, as docs/ODD.md names it. */
  mechanism: string;
  /** The setting changed: a scenario parameter path, or an intervention. */
  parameter: string;
  low: unknown;
  high: unknown;
  /** What is measured. */
  effect: string;
  /** +1: raising the parameter raises the effect; −1: lowers it. */
  direction: 1 | -1;
  measure: (s: Series) => number;
  /** Settings every run of this row shares (other than defaults). */
  context?: Record<string, unknown>;
}

/** A rural-targeted intervention (the high run) against none (the low run), at a fixed budget. */
function instrument(lever: string, name: string, effect: string, direction: 1 | -1, measure: (s: Series) => number, amount = 300): Static {
  const byIntensity = name === 'registration' || name === 'benefit-sharing';
  const target = name === 'registration' ? { class: 'urban' } : { class: 'rural' };
  const iv = { lever, instrument: name, target, ...(byIntensity ? { intensity: 1 } : { budget: amount }) };
  return { mechanism: `${lever}/${name}`, parameter: 'interventions', low: [], high: [iv], effect, direction, measure, context: { fiscal: { mode: 'fixed', value: amount } } };
}

const movesOf = total('all/migrants_urban_to_rural', 'all/migrants_rural_to_urban');
/**
 * Mean over ticks 1..T of the capital held in places below their starting population (those the
 * digital run counts a net loss for); needs metrics.placeMetrics, for the per-place series.
 */
const capitalOfShrinking = (s: Series) => {
  let sum = 0;
  for (let p = 0; s.has(`place:${p}/population`); p++) {
    const n = get(s, `place:${p}/population`);
    const k = get(s, `place:${p}/capital_pc`);
    for (let t = 1; t <= TICKS; t++) if (n[t] < n[0]) sum += k[t] * n[t];
  }
  return sum / TICKS;
};
const capitalMoves = total('all/capital_urban_to_rural', 'all/capital_rural_to_urban');

export const STATICS: Static[] = [
  // Stage 1: technology foundation (7.2)
  { mechanism: 'frontier growth', parameter: 'technology.frontierGrowth', low: 0, high: 0.15, effect: 'infrastructure relative to the frontier (τ)', direction: -1, measure: mean('all/tau') },
  { mechanism: 'obsolescence', parameter: 'technology.obsolescence', low: 0.01, high: 0.3, effect: 'τ', direction: -1, measure: mean('all/tau') },
  { mechanism: 'private investment', parameter: 'technology.privateInvestment', low: 0, high: 0.5, effect: 'τ', direction: 1, measure: mean('all/tau') },
  { mechanism: 'investment cost', parameter: 'technology.unitCost', low: 0.3, high: 10, effect: 'τ', direction: -1, measure: mean('all/tau'), context: { technology: { privateInvestment: 0.5 } } },
  { mechanism: 'productivity-led investment', parameter: 'technology.productivitySensitivity', low: 0, high: 4, effect: 'rural τ', direction: -1, measure: mean('rural/tau'), context: { technology: { privateInvestment: 0.5 } } },
  { mechanism: 'investment cap', parameter: 'technology.productivityCap', low: 1, high: 20, effect: 'urban τ', direction: 1, measure: mean('urban/tau'), context: { technology: { privateInvestment: 0.2, productivitySensitivity: 3, unitCost: 10 } } },
  { mechanism: 'spillover', parameter: 'technology.spillover', low: 0, high: 0.6, effect: 'rural τ', direction: 1, measure: mean('rural/tau') },
  { mechanism: 'spillover reach', parameter: 'technology.spilloverDecay', low: 0.3, high: 30, effect: 'rural τ', direction: 1, measure: mean('rural/tau'), context: { technology: { spillover: 0.6 } } },
  // Stage 2: capital momentum (7.3) and the economy (7.6)
  { mechanism: 'total factor productivity', parameter: 'capital.productivity', low: 0.5, high: 2, effect: 'output per resident', direction: 1, measure: mean('all/output_pc') },
  { mechanism: 'technology in productivity', parameter: 'capital.techElasticity', low: 0, high: 2, effect: 'output per resident (τ < 1 everywhere)', direction: -1, measure: mean('all/output_pc') },
  { mechanism: 'adoption in productivity', parameter: 'capital.adoptionEffect', low: 0, high: 2, effect: 'output per resident', direction: 1, measure: mean('all/output_pc') },
  { mechanism: 'agglomeration', parameter: 'capital.agglomeration', low: 0, high: 0.4, effect: 'urban/rural capital ratio', direction: 1, measure: mean('all/ratio_capital') },
  { mechanism: 'congestion', parameter: 'capital.congestion', low: 0, high: 0.8, effect: 'capital per resident in the core', direction: -1, measure: mean('ring:0/capital_pc') },
  { mechanism: 'savings', parameter: 'capital.savingsRate', low: 0.05, high: 0.6, effect: 'capital per resident', direction: 1, measure: mean('all/capital_pc') },
  { mechanism: 'depreciation', parameter: 'capital.depreciation', low: 0.01, high: 0.4, effect: 'capital per resident', direction: -1, measure: mean('all/capital_pc') },
  { mechanism: 'capital mobility', parameter: 'capital.mobility', low: 0.01, high: 0.3, effect: 'capital moved between urban and rural places', direction: 1, measure: capitalMoves },
  { mechanism: 'capital friction', parameter: 'capital.friction', low: 0, high: 2, effect: 'capital moved between urban and rural places (far apart)', direction: -1, measure: capitalMoves },
  { mechanism: 'capital herding (digital run)', parameter: 'capital.herding', low: 0, high: 1000, effect: 'capital in places below their starting population', direction: -1, measure: capitalOfShrinking, context: { metrics: { placeMetrics: true } } },
  { mechanism: 'capital per job', parameter: 'capital.capitalPerJob', low: 0.5, high: 20, effect: 'employment', direction: -1, measure: mean('all/employment') },
  // Stage 3: talent application (7.4)
  { mechanism: 'propensity to move', parameter: 'talent.moveProbability', low: 0.01, high: 0.3, effect: 'moves between urban and rural places', direction: 1, measure: movesOf },
  { mechanism: 'distance cost', parameter: 'talent.distanceCost', low: 0, high: 3, effect: 'moves between urban and rural places', direction: -1, measure: movesOf },
  { mechanism: 'registration barrier', parameter: 'talent.barrier', low: 0, high: 5, effect: 'rural-to-urban moves', direction: -1, measure: total('all/migrants_rural_to_urban') },
  { mechanism: 'service access of rural registrants', parameter: 'talent.serviceAccess', low: 0, high: 1, effect: 'rural-to-urban moves', direction: 1, measure: total('all/migrants_rural_to_urban'), context: { talent: { rightsWeight: 3 } } },
  { mechanism: 'rights in utility', parameter: 'talent.rightsWeight', low: 0, high: 4, effect: 'rural-to-urban moves (urban rights are higher)', direction: 1, measure: total('all/migrants_rural_to_urban'), context: { talent: { barrier: 0 } } },
  { mechanism: 'home attachment', parameter: 'talent.homeAttachment', low: 0, high: 5, effect: 'moves between urban and rural places', direction: -1, measure: movesOf },
  { mechanism: 'people herding (digital run)', parameter: 'talent.herding', low: 0, high: 1, effect: 'village population', direction: -1, measure: mean('ring:3/population') },
  { mechanism: 'run thresholds (digital run)', parameter: 'talent.runThreshold', low: 0.05, high: 1, effect: 'village population', direction: 1, measure: mean('ring:3/population') },
  { mechanism: 'critical mass of users (digital run)', parameter: 'talent.criticalShare', low: 0.2, high: 0.9, effect: 'places tipping', direction: 1, measure: mean('all/places_tipping') },
  { mechanism: 'failing services (digital run)', parameter: 'talent.serviceLoss', low: 0, high: 10, effect: 'village population (villages tipped)', direction: -1, measure: mean('ring:3/population'), context: { talent: { moveProbability: 0.3, criticalShare: 0.9 } } },
  { mechanism: 'early warning (digital run)', parameter: 'talent.warningLoss', low: 0.05, high: 0.5, effect: 'places at risk', direction: -1, measure: mean('all/places_at_risk') },
  { mechanism: 'learning by use', parameter: 'talent.learning', low: 0, high: 0.6, effect: 'mean skill', direction: 1, measure: mean('all/skill') },
  { mechanism: 'skill decay', parameter: 'talent.skillDecay', low: 0, high: 0.4, effect: 'mean skill', direction: -1, measure: mean('all/skill') },
  // Stage 4: production diffusion (7.5)
  { mechanism: 'Bass innovation (p)', parameter: 'diffusion.p', low: 0, high: 0.15, effect: 'share with access (level ≥ 1)', direction: 1, measure: atLeast('all', 1) },
  { mechanism: 'Bass innovation (p)', parameter: 'diffusion.p', low: 0, high: 0.15, effect: 'share using (level ≥ 2)', direction: 1, measure: atLeast('all', 2) },
  { mechanism: 'Bass innovation (p)', parameter: 'diffusion.p', low: 0, high: 0.15, effect: 'share with outcomes (level 3)', direction: 1, measure: atLeast('all', 3) },
  { mechanism: 'Bass imitation (q)', parameter: 'diffusion.q', low: 0, high: 1.5, effect: 'share with access (level ≥ 1)', direction: 1, measure: atLeast('all', 1) },
  { mechanism: 'Bass imitation (q)', parameter: 'diffusion.q', low: 0, high: 1.5, effect: 'share using (level ≥ 2)', direction: 1, measure: atLeast('all', 2) },
  { mechanism: 'Bass imitation (q)', parameter: 'diffusion.q', low: 0, high: 1.5, effect: 'share with outcomes (level 3)', direction: 1, measure: atLeast('all', 3) },
  { mechanism: 'access threshold', parameter: 'diffusion.accessThreshold', low: 0.2, high: 1.5, effect: 'share with access (level ≥ 1)', direction: -1, measure: atLeast('all', 1) },
  { mechanism: 'market reach', parameter: 'diffusion.marketDecay', low: 0.5, high: 50, effect: 'rural share with outcomes (level 3)', direction: 1, measure: atLeast('rural', 3) },
  { mechanism: 'slipping back', parameter: 'diffusion.slip', low: 0, high: 0.6, effect: 'share with access (level ≥ 1)', direction: -1, measure: atLeast('all', 1), context: { technology: { frontierGrowth: 0.1 } } },
  { mechanism: 'digital premium', parameter: 'diffusion.digitalPremium', low: 0, high: 3, effect: 'income per resident', direction: 1, measure: mean('all/income_pc') },
  // Stage 5: right core (7.7)
  { mechanism: 'voice', parameter: 'rights.voice', low: 0, high: 0.5, effect: 'rights', direction: 1, measure: mean('all/rights') },
  { mechanism: 'alienation', parameter: 'rights.alienation', low: 0, high: 0.6, effect: 'rural rights (where the income gap to the core is wide)', direction: -1, measure: mean('rural/rights') },
  { mechanism: 'platform rent', parameter: 'rights.rentShare', low: 0, high: 1, effect: 'rent paid to cores', direction: 1, measure: total('all/rent') },
  { mechanism: 'platform rent', parameter: 'rights.rentShare', low: 0, high: 1, effect: 'rural income per resident', direction: -1, measure: mean('rural/income_pc') },
  // Instruments (7.8), aimed at rural places (registration reform at urban ones)
  instrument('policy', 'broadband', 'rural τ', 1, mean('rural/tau')),
  instrument('policy', 'upgrade', 'rural τ', 1, mean('rural/tau')),
  instrument('capital', 'transfer', 'rural capital per resident', 1, mean('rural/capital_pc')),
  instrument('capital', 'credit', 'rural capital per resident', 1, mean('rural/capital_pc')),
  instrument('talent', 'training', 'rural skill', 1, mean('rural/skill')),
  instrument('talent', 'returnee', 'urban-to-rural moves', 1, total('all/migrants_urban_to_rural')),
  instrument('talent', 'registration', 'rural-to-urban moves', 1, total('all/migrants_rural_to_urban')),
  instrument('industry', 'ecommerce', 'rural share with access (level ≥ 1)', 1, atLeast('rural', 1)),
  instrument('industry', 'logistics', 'rural share with outcomes (level 3)', 1, atLeast('rural', 3)),
  instrument('rights', 'services', 'rural rights', 1, mean('rural/rights')),
  instrument('rights', 'benefit-sharing', 'rent paid to cores', -1, total('all/rent')),
];

/** Settings as `path value` pairs, e.g. `technology.spillover 0.6`. */
function flatten(settings: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(settings).flatMap(([k, v]) => (v !== null && typeof v === 'object' ? flatten(v as Record<string, unknown>, `${prefix}${k}.`) : [`${prefix}${k} ${v}`]));
}

/** How a row reads in docs/ODD.md: mechanism | parameter | low → high | effect | ↑ or ↓ | other settings. */
function tableRow(s: Static): string[] {
  const value = (v: unknown) => {
    if (!Array.isArray(v)) return String(v);
    if (v.length === 0) return 'none';
    const iv = v[0] as { target: { class: string }; budget?: number; intensity?: number };
    return `${iv.target.class} ${s.mechanism} (${iv.budget ? `budget ${iv.budget}` : `intensity ${iv.intensity}`})`;
  };
  const others = flatten(s.context ?? {});
  return [s.mechanism, `\`${s.parameter}\``, `${value(s.low)} → ${value(s.high)}`, s.effect, s.direction > 0 ? '↑' : '↓', others.length ? others.join(', ') : 'defaults'];
}

const BASE = { ticks: TICKS, world: { residents: 3000, rings: RINGS } };

describe('comparative statics: raising one setting, everything else fixed', () => {
  it.each(STATICS.map((s) => [`${s.mechanism}: ${s.parameter} ${tableRow(s)[2]} ${s.direction > 0 ? 'raises' : 'lowers'} ${s.effect}`, s] as const))('%s', (_, s) => {
    const input = { ...structuredClone(BASE), ...structuredClone(s.context ?? {}) };
    let low = 0;
    let high = 0;
    for (const seed of SEEDS) {
      low += s.measure(simulate(withSetting(input, s.parameter, s.low), seed));
      high += s.measure(simulate(withSetting(input, s.parameter, s.high), seed));
    }
    expect(Number.isFinite(low) && Number.isFinite(high)).toBe(true);
    if (s.direction > 0) expect(high, `low ${low}`).toBeGreaterThan(low);
    else expect(high, `low ${low}`).toBeLessThan(low);
  });
});

describe('the table of comparative statics in docs/ODD.md', () => {
  it('lists exactly the rows tested here, in the same order', () => {
    const doc = readFileSync(join(ROOT, 'docs/ODD.md'), 'utf8');
    const begin = doc.indexOf('<!-- statics:begin -->');
    const end = doc.indexOf('<!-- statics:end -->');
    expect(begin, 'docs/ODD.md has no statics:begin marker').toBeGreaterThan(0);
    const rows = doc
      .slice(begin, end)
      .split('\n')
      .filter((l) => l.startsWith('| ') && !l.startsWith('| mechanism') && !l.startsWith('|---'))
      .map((l) => l.slice(2, -2).split(' | '));
    expect(rows).toEqual(STATICS.map(tableRow));
  });
});
