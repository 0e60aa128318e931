import { describe, expect, it } from 'vitest';
import { gapVerdict, type VerdictInput, verdictSentences } from '../../src/metrics/verdict.ts';

/** A verdict input where nothing but the DPD series is remarkable: no qualifier should fire. */
function input(dpd: number[], over: Partial<VerdictInput> = {}): VerdictInput {
  return {
    dpd,
    ruralShare: { initial: 0.5, final: 0.48 },
    ruralPlaces: 100,
    hollowedPlaces: 0,
    startWeightedFinal: dpd[dpd.length - 1],
    stages: [{ stage: 'rights', initial: Math.log(1.5), final: Math.log(1.5) }],
    beta: { beta: 0, se: 0.01 },
    sigma: { initial: 0.3, final: 0.3 },
    window: 10,
    trendThreshold: 0.002,
    netThreshold: 0.02,
    hollowingFraction: 0.5,
    stageThreshold: 0.2,
    ...over,
  };
}

/** An inverted U: rises from `start` to `top` over `up` ticks, then falls by `down` per tick for `fall` ticks. */
function invertedU(start: number, top: number, up: number, down: number, fall: number): number[] {
  const s: number[] = [];
  for (let t = 0; t <= up; t++) s.push(start + ((top - start) * t) / up);
  for (let t = 1; t <= fall; t++) s.push(top - down * t);
  return s;
}

const ids = (v: ReturnType<typeof gapVerdict>) => v.qualifiers.map((q) => q.id);

describe('the verdict states the net change since the start and the recent direction', () => {
  it('widening then narrowing, but net wider: widened, narrowing, never "closing"', () => {
    // The audit's laissez-faire case: 1.07 -> peak 3.8 -> 3.7, slope down over the last 10 ticks.
    const v = gapVerdict(input(invertedU(1.07, 3.8, 40, 0.01, 10)));
    expect(v.net).toBe('widened');
    expect(v.recent).toBe('narrowing');
    expect(v.gapInitial).toBeCloseTo(1.07, 12);
    expect(v.gapFinal).toBeCloseTo(3.7, 12);
    expect(v.gapChange).toBeCloseTo(2.63, 12);
    expect(v.qualifiers).toEqual([]);
    const { sentence } = verdictSentences(v, 50, 10, 'en');
    expect(sentence).toBe('Over 50 years the urban-rural digital gap (|DPD|) widened, from 1.07 to 3.70 (+2.63), and over the last 10 years it has been narrowing.');
    expect(sentence).not.toMatch(/clos|converg/);
  });

  it('a gap that ends a little above its start widened, whatever its recent slope (dual-structure: 1.070 -> 1.087)', () => {
    const v = gapVerdict(input([...invertedU(1.07, 1.2, 20, 0.0113, 10)]));
    expect(v.gapFinal).toBeCloseTo(1.087, 12);
    expect(v.net).toBe('unchanged'); // +0.017 is inside the ±0.02 band
    expect(gapVerdict(input(invertedU(1.07, 1.2, 20, 0.0113, 10), { netThreshold: 0.01 })).net).toBe('widened');
  });

  it('narrowed, flat and undetermined follow their rules', () => {
    expect(gapVerdict(input(invertedU(2, 1, 20, 0, 10))).net).toBe('narrowed');
    expect(gapVerdict(input(invertedU(2, 1, 20, 0, 10))).recent).toBe('flat');
    expect(gapVerdict(input([1])).recent).toBe('undetermined');
    expect(gapVerdict(input([])).net).toBe('undetermined');
  });

  it('uses |DPD|: a rural lead that grows is a widening gap', () => {
    const v = gapVerdict(input([-0.5, -0.6, -0.7, -0.8, -0.9]));
    expect(v.net).toBe('widened');
    expect(v.recent).toBe('widening');
    expect(v.leader).toBe('rural');
  });
});

describe('qualifiers are raised whenever their rule applies, and only then', () => {
  it('sign reversal: the periphery-first early-stage run 1.08 -> -0.43 overshoots', () => {
    const v = gapVerdict(input([1.08, 0.6, 0.1, -0.3, -0.43]));
    expect(v.net).toBe('narrowed'); // |DPD| 1.08 -> 0.43
    expect(ids(v)).toEqual(['overshoot']);
    expect(v.qualifiers[0].values.leader).toBe('rural');
    expect(verdictSentences(v, 4, 10, 'en').qualifiers[0]).toBe('Caution: the gap changed sign; the rural side is now ahead.');
    // Control: the same fall stopping just above zero does not overshoot.
    expect(ids(gapVerdict(input([1.08, 0.6, 0.1, 0.05, 0.43])))).toEqual([]);
    // Ending within the dead band around 0 is not a reversal either.
    expect(ids(gapVerdict(input([1.08, 0.6, 0.1, -0.01])))).toEqual([]);
  });

  it('hollowing: the rural share or a rural place falls below the documented fraction of its start', () => {
    const falling = invertedU(3.8, 3.8, 1, 0.0145, 150); // 3.8 -> 1.63, "stable" by the old verdict
    const v = gapVerdict(input(falling, { ruralShare: { initial: 0.5, final: 0.008 }, hollowedPlaces: 140, startWeightedFinal: 4.2 }));
    expect(v.net).toBe('narrowed');
    expect(ids(v)).toEqual(['hollowing']);
    expect(verdictSentences(v, 150, 10, 'en').qualifiers[0]).toContain('The gap closed partly because people left.');
    // One village below half its start is enough.
    expect(ids(gapVerdict(input(falling, { hollowedPlaces: 1 })))).toEqual(['hollowing']);
    // Controls: the rural share at 0.26 of 0.5 (above half) and no hollowed place: nothing raised.
    expect(ids(gapVerdict(input(falling, { ruralShare: { initial: 0.5, final: 0.26 } })))).toEqual([]);
    expect(ids(gapVerdict(input(falling, { ruralShare: { initial: 0.5, final: 0.24 } })))).toEqual(['hollowing']);
  });

  it('beta and sigma disagreement: the gap narrowed while place incomes diverged', () => {
    const narrowing = invertedU(2, 1, 20, 0, 10);
    const v = gapVerdict(input(narrowing, { beta: { beta: 0.03, se: 0.002 }, sigma: { initial: 0.3, final: 0.6 } }));
    expect(ids(v)).toEqual(['beta-disagrees', 'sigma-disagrees']);
    // A beta within 2 SE of 0 and a 4% rise of sigma are not disagreement.
    expect(ids(gapVerdict(input(narrowing, { beta: { beta: 0.003, se: 0.002 }, sigma: { initial: 0.3, final: 0.312 } })))).toEqual([]);
    // Agreement (beta < 0, sigma falling) raises nothing; when the gap widened, the same numbers disagree.
    const agree = { beta: { beta: -0.03, se: 0.002 }, sigma: { initial: 0.6, final: 0.3 } };
    expect(ids(gapVerdict(input(narrowing, agree)))).toEqual([]);
    expect(ids(gapVerdict(input([1, 1.5, 2], agree)))).toEqual(['beta-disagrees', 'sigma-disagrees']);
  });

  it('a stage against the DPD: rights doubling while the DPD falls', () => {
    const narrowing = invertedU(2, 1, 20, 0, 10);
    const v = gapVerdict(input(narrowing, { stages: [{ stage: 'rights', initial: Math.log(1.5), final: Math.log(3) }] }));
    expect(ids(v)).toEqual(['stage-against']);
    expect(v.qualifiers[0].values.stage).toBe('rights');
    expect(v.qualifiers[0].values.initial).toBeCloseTo(1.5, 12);
    expect(v.qualifiers[0].values.final).toBeCloseTo(3, 12);
    expect(verdictSentences(v, 30, 10, 'en').qualifiers[0]).toBe('The urban/rural ratio of right core moved the other way, from 1.50 to 3.00.');
    // A 10% rise (0.095 log points) is below the 0.2 threshold.
    expect(ids(gapVerdict(input(narrowing, { stages: [{ stage: 'rights', initial: Math.log(1.5), final: Math.log(1.65) }] })))).toEqual([]);
  });

  it('the sentence has a Chinese form built from the glossary', () => {
    const v = gapVerdict(input(invertedU(1.07, 3.8, 40, 0.01, 10), { stages: [{ stage: 'technology', initial: 1, final: 0.1 }] }));
    const zh = verdictSentences(v, 50, 10, 'zh');
    expect(zh.sentence).toBe('50 年间，城乡数字势差（|DPD|）从 1.07 变为 3.70（+2.63），总体扩大了；最近 10 年正在缩小。');
    expect(zh.qualifiers).toEqual(['“技术基础”环节的城乡比从 2.72 变为 1.11，与势差走向相反。']);
  });
});

describe('one word per verdict, from the glossary', () => {
  it('the headline, the sentence, the comparison table, the sweep map and the page say the same verb', async () => {
    const { HEADLINES } = await import('../../src/i18n/report.ts');
    const { VERDICT_TERMS, LEVER_TERMS } = await import('../../src/i18n/terms.ts');
    const { verdictWord } = await import('../../src/report/comparisonReading.ts');
    const { metricName } = await import('../../src/report/labels.ts');
    const { word } = await import('../../src/play/page/strings.ts');
    const { CHART_TEXT } = await import('../../src/i18n/charts.ts');
    for (const lang of ['zh', 'en'] as const) {
      const narrowed = VERDICT_TERMS.narrowed[lang];
      expect(verdictWord('narrowed', lang)).toBe(narrowed);
      expect(HEADLINES[lang].narrowed).toContain(narrowed);
      expect(metricName('narrowed', lang)).toContain(narrowed);
      expect(word('narrowed', lang)).toContain(lang === 'zh' ? narrowed : 'narrower');
      const falling = verdictSentences(gapVerdict(input(Array.from({ length: 40 }, (_, t) => 1 - t / 50))), 40, 10, lang).sentence;
      expect(falling).toContain(narrowed);
      // The change is signed with a true minus, as the reports print numbers (never a hyphen).
      expect(falling).toMatch(/[（(]−0\.\d\d[）)]/);
      for (const [lever, t] of Object.entries(LEVER_TERMS)) {
        expect(CHART_TEXT[lang].leverName(lever)).toContain(t[lang]);
        expect(word(lever as keyof typeof LEVER_TERMS, lang)).toBe(t[lang]);
      }
    }
    // The chart notes once said 收窄 where the headline said 缩小: no source writes it any more.
    const { readdirSync, readFileSync } = await import('node:fs');
    const sources = readdirSync('src', { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
    expect(sources.length).toBeGreaterThan(50);
    expect(sources.filter((f) => readFileSync(`src/${f}`, 'utf8').includes('收窄'))).toEqual([]);
  });
});

describe('the verdict’s rules in words and its boundaries', () => {
  it('the rules quote the numbers the verdict used', () => {
    const v = gapVerdict(input([2, 1.5, 1], { window: 3, netThreshold: 0.05, trendThreshold: 0.01 }));
    expect(v.rules.net).toBe('|DPD| went from 2 to 1 (-1); widened if the change is above +0.05, narrowed if below -0.05, otherwise unchanged: narrowed.');
    expect(v.rules.recent).toBe('OLS slope of |DPD| over the last 3 ticks is -0.5 per tick (SE 0); widening if above +0.01, narrowing if below -0.01, otherwise flat: narrowing.');
    expect(gapVerdict(input([1, 1.25], { netThreshold: 0.05 })).rules.net).toBe('|DPD| went from 1 to 1.25 (+0.25); widened if the change is above +0.05, narrowed if below -0.05, otherwise unchanged: widened.');
    expect(gapVerdict(input([1, 1], { netThreshold: 0.05 })).rules.net).toMatch(/^\|DPD\| went from 1 to 1 \(\+0\);/);
    // A series too short or broken for a trend: words for "no direction", n/a for missing numbers.
    const broken = gapVerdict(input([NaN, 1]));
    expect(broken.net).toBe('undetermined');
    expect(broken.rules.net).toBe('|DPD| went from n/a to 1 (n/a); widened if the change is above +0.02, narrowed if below -0.02, otherwise unchanged: undetermined.');
    expect(broken.rules.recent).toBe('Fewer than 2 finite points in the last 2 ticks: no recent direction.');
  });

  it('a change or a final DPD exactly at the threshold counts as within it', () => {
    expect(gapVerdict(input([1, 1.5], { netThreshold: 0.5 })).net).toBe('unchanged');
    expect(gapVerdict(input([1.5, 1], { netThreshold: 0.5 })).net).toBe('unchanged');
    expect(gapVerdict(input([1, 0.5], { netThreshold: 0.5 })).leader).toBe('none');
    expect(gapVerdict(input([1, -0.5], { netThreshold: 0.5 })).leader).toBe('none');
    expect(gapVerdict(input([1, 0.75], { netThreshold: 0.5 })).leader).toBe('urban');
    expect(gapVerdict(input([1, -0.75], { netThreshold: 0.5 })).leader).toBe('rural');
    // An overshoot needs both ends beyond the band: a start exactly at it is not one.
    expect(ids(gapVerdict(input([0.5, -1], { netThreshold: 0.5 })))).not.toContain('overshoot');
    expect(ids(gapVerdict(input([0.75, -1], { netThreshold: 0.5 })))).toContain('overshoot');
    expect(ids(gapVerdict(input([1, -0.5], { netThreshold: 0.5 })))).not.toContain('overshoot');
  });
});
