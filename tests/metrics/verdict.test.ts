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

describe('every qualifier at once: its rule, its values and its sentence in both languages', () => {
  // Widened (|DPD| 1 -> 2) by a sign change; the rural share halved and more; beta < 0 and sigma
  // falling (convergence, against a widening); the rights ratio falling from 2 to 1.2.
  const all = () =>
    gapVerdict(
      input([1, -2], {
        ruralShare: { initial: 0.5, final: 0.2 },
        hollowedPlaces: 3,
        startWeightedFinal: -1.5,
        stages: [{ stage: 'rights', initial: Math.log(2), final: Math.log(1.2) }],
        beta: { beta: -0.1, se: 0.01 },
        sigma: { initial: 0.4, final: 0.3 },
      }),
    );

  it('the rules and values', () => {
    const v = all();
    expect(v.net).toBe('widened');
    expect(ids(v)).toEqual(['overshoot', 'hollowing', 'beta-disagrees', 'sigma-disagrees', 'stage-against']);
    const [overshoot, hollowing, beta, sigma, stage] = v.qualifiers;
    expect(overshoot.rule).toBe('The DPD changed sign (from 1 to -2), both beyond ±0.02: the side that was behind is now ahead.');
    expect(overshoot.values).toEqual({ initial: 1, final: -2, leader: 'rural' });
    expect(gapVerdict(input([-1, 2])).qualifiers[0].values.leader).toBe('urban');
    expect(hollowing.rule).toBe(
      "Raised when the rural population share falls below 0.5 of its start or a rural place's population below 0.5 of its own start: " +
        'the rural share went from 0.5 to 0.2, and 3 of 100 rural places fell below 0.5 of their start. Weighted by the start populations the DPD ends at -1.5.',
    );
    expect(hollowing.values).toEqual({ ruralShareInitial: 0.5, ruralShareFinal: 0.2, fraction: 0.5, hollowedPlaces: 3, ruralPlaces: 100, startWeightedFinal: -1.5 });
    expect(beta.rule).toBe('Beta convergence of place incomes is -0.1 (SE 0.01): poorer places grew faster (convergence), more than 2 SE from 0, while the gap widened.');
    expect(beta.values).toEqual({ beta: -0.1, se: 0.01 });
    expect(sigma.rule).toBe('The dispersion of place incomes (sigma_cv) went from 0.4 to 0.3 (-25%, beyond ±5%) while the gap widened.');
    expect(sigma.values).toEqual({ initial: 0.4, final: 0.3 });
    expect(stage.rule).toBe("The rights ratio's |ln(urban/rural)| went from 0.693 to 0.182 (ratio 2 to 1.2), more than 0.2 against the DPD, which widened.");
    expect(stage.values.stage).toBe('rights');
    expect(stage.values.initial).toBeCloseTo(2, 14);
    expect(stage.values.final).toBeCloseTo(1.2, 14);
    // The other directions of the words: divergence against a narrowing, sigma rising.
    const narrowed = gapVerdict(input([2, 1], { beta: { beta: 0.1, se: 0.01 }, sigma: { initial: 0.3, final: 0.45 } }));
    expect(narrowed.qualifiers.map((q) => q.rule)).toEqual([
      'Beta convergence of place incomes is 0.1 (SE 0.01): poorer places grew more slowly (divergence), more than 2 SE from 0, while the gap narrowed.',
      'The dispersion of place incomes (sigma_cv) went from 0.3 to 0.45 (+50%, beyond ±5%) while the gap narrowed.',
    ]);
    // Sigma rising by exactly the tolerance (21 / 20 − 1 = 0.05) is not beyond it.
    expect(ids(gapVerdict(input([2, 1], { sigma: { initial: 20, final: 21 } })))).toEqual([]);
    // A beta exactly 2 SE from 0 is not beyond it; an unchanged or undetermined gap has nothing to disagree with.
    expect(ids(gapVerdict(input([2, 1], { beta: { beta: 0.02, se: 0.01 } })))).toEqual([]);
    expect(ids(gapVerdict(input([1, 1], { beta: { beta: -0.1, se: 0.01 }, sigma: { initial: 0.4, final: 0.3 }, stages: [{ stage: 'rights', initial: 1, final: 0 }] })))).toEqual([]);
    expect(ids(gapVerdict(input([NaN, 1], { beta: { beta: -0.1, se: 0.01 }, sigma: { initial: 0.4, final: 0.3 } })))).toEqual([]);
    // Without a standard error, any beta of the disagreeing sign counts.
    expect(ids(gapVerdict(input([2, 1], { beta: { beta: 0.001, se: NaN } })))).toEqual(['beta-disagrees']);
    expect(ids(gapVerdict(input([2, 1], { beta: { beta: NaN, se: 0.01 }, sigma: { initial: 0, final: 0.5 } })))).toEqual([]);
  });

  it('the sentences in English and Chinese', () => {
    const v = all();
    const en = verdictSentences(v, 12, 6, 'en');
    expect(en.sentence).toBe('Over 12 years the urban-rural digital gap (|DPD|) widened, from 1.00 to 2.00 (+1.00), and over the last 6 years it has been widening.');
    expect(en.qualifiers).toEqual([
      'Caution: the gap changed sign; the rural side is now ahead.',
      'Caution: the rural population share went from 50.0% to 20.0% and 3 of 100 rural places fell below 50.0% of their starting population; weighted by the starting populations the gap is -1.50.',
      'Beta convergence disagrees: beta of place incomes is -0.10 (poorer places grew faster).',
      'Sigma convergence disagrees: the dispersion of place incomes went from 0.40 to 0.30.',
      'The urban/rural ratio of right core moved the other way, from 2.00 to 1.20.',
    ]);
    const zh = verdictSentences(v, 12, 6, 'zh');
    expect(zh.sentence).toBe('12 年间，城乡数字势差（|DPD|）从 1.00 变为 2.00（+1.00），总体扩大了；最近 6 年正在扩大。');
    expect(zh.qualifiers).toEqual([
      '注意：势差方向已反转，现在农村一方领先。',
      '注意：农村人口占比从 50.0% 变为 20.0%，100 个农村地点中有 3 个人口降至初始的 50.0% 以下；按初始人口加权，势差为 -1.50。',
      'β 收敛与此不符：地点收入的 β 为 -0.10。',
      'σ 收敛与此不符：地点收入的离散系数从 0.40 变为 0.30。',
      '“权利核心”环节的城乡比从 2.00 变为 1.20，与势差走向相反。',
    ]);
    // Narrowed with people leaving: the closing part is named; urban overshoot; unchanged has no change in brackets.
    const left = gapVerdict(input([-2, 1], { ruralShare: { initial: 0.5, final: 0.2 } }));
    expect(verdictSentences(left, 5, 5, 'en').qualifiers).toEqual([
      'Caution: the gap changed sign; the urban side is now ahead.',
      'Caution: the rural population share went from 50.0% to 20.0% and 0 of 100 rural places fell below 50.0% of their starting population; weighted by the starting populations the gap is 1.00. The gap closed partly because people left.',
    ]);
    expect(verdictSentences(left, 5, 5, 'zh').qualifiers).toEqual([
      '注意：势差方向已反转，现在城市一方领先。',
      '注意：农村人口占比从 50.0% 变为 20.0%，100 个农村地点中有 0 个人口降至初始的 50.0% 以下；按初始人口加权，势差为 1.00。差距缩小部分是因为人走了。',
    ]);
    const flat = gapVerdict(input([1, 1, 1]));
    expect(verdictSentences(flat, 2, 3, 'en').sentence).toBe('Over 2 years the urban-rural digital gap (|DPD|) hardly changed, from 1.00 to 1.00, and over the last 3 years it has been flat.');
    expect(verdictSentences(flat, 2, 3, 'zh').sentence).toBe('2 年间，城乡数字势差（|DPD|）从 1.00 变为 1.00，总体几乎不变；最近 3 年基本持平。');
    const none = gapVerdict(input([NaN]));
    expect(verdictSentences(none, 0, 1, 'en').sentence).toBe('Over 0 years the urban-rural digital gap (|DPD|) cannot be judged, from n/a to n/a, and over the last 1 years the run is too short to tell its direction.');
    expect(verdictSentences(none, 0, 1, 'zh').sentence).toBe('0 年间，城乡数字势差（|DPD|）从 n/a 变为 n/a，总体无法判断；最近 1 年时间太短，无法判断走向。');
    // Villages emptied into towns while the rural share held: hollowing, but nobody "left".
    const moved = gapVerdict(input([2, 1], { ruralShare: { initial: 0.5, final: 0.5 }, hollowedPlaces: 2 }));
    expect(verdictSentences(moved, 1, 1, 'en').qualifiers[0]).not.toContain('people left');
    expect(verdictSentences(moved, 1, 1, 'zh').qualifiers[0]).not.toContain('人走了');
    // A rural share ending at exactly the fraction of its start is not below it.
    expect(ids(gapVerdict(input([2, 1], { ruralShare: { initial: 0.5, final: 0.25 } })))).toEqual([]);
    // A gap that narrowed to a lower value: the change carries a true minus sign.
    expect(verdictSentences(gapVerdict(input([2, 1])), 1, 1, 'en').sentence).toContain('(−1.00)');
  });
});
