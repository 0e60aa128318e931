/**
 * Convergence statistics: OLS, beta-convergence, trend verdicts on a gap series,
 * halving time / peak, and Student-t confidence intervals.
 *
 * Pure numeric code with no project imports. Inputs are assumed finite unless a
 * function says otherwise; length mismatches throw RangeError rather than
 * truncate, because a silently shortened regression still "looks" plausible.
 */

/** Result of {@link ols}. */
export interface OlsResult {
  intercept: number;
  slope: number;
  /** Classical (homoskedastic) standard error of the slope, n − 2 dof. */
  slopeSE: number;
  r2: number;
  n: number;
}

/**
 * Simple linear regression y = a + b·x by ordinary least squares.
 *
 * b = Sxy/Sxx, a = ȳ − b·x̄, SE(b) = sqrt(SSR/(n−2) / Sxx), R² = 1 − SSR/SST.
 * Sums are taken around the means (two passes) for numerical stability.
 *
 * @returns slope/intercept NaN when n < 2 or x is constant; slopeSE NaN when
 *   n < 3; r2 NaN when y is constant (0/0).
 * @see any econometrics text, e.g. Wooldridge, J. (2019) Introductory Econometrics, ch. 2.
 */
export function ols(x: ArrayLike<number>, y: ArrayLike<number>): OlsResult {
  const n = x.length;
  if (y.length !== n) throw new RangeError(`x length ${n} != y length ${y.length}`);
  let mx = 0, my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i];
    my += y[i];
  }
  mx /= n;
  my /= n;
  let sxx = 0, sxy = 0, syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i] - mx;
    const dy = y[i] - my;
    sxx += dx * dx;
    sxy += dx * dy;
    syy += dy * dy;
  }
  const slope = n >= 2 && sxx > 0 ? sxy / sxx : NaN;
  const intercept = my - slope * mx;
  // SSR = Syy − b·Sxy; clamp tiny negative round-off so the SE stays real.
  const ssr = Math.max(0, syy - slope * sxy);
  const slopeSE = n >= 3 ? Math.sqrt(ssr / (n - 2) / sxx) : NaN;
  const r2 = syy > 0 ? 1 - ssr / syy : NaN;
  return { intercept, slope, slopeSE, r2, n };
}

/** Result of {@link betaConvergence}. */
export interface BetaResult {
  /** Slope of annual log growth on ln(initial); < 0 means poorer units grow faster. */
  beta: number;
  se: number;
  /** Units used (those with both levels > 0). */
  n: number;
  r2: number;
  /** Implied convergence speed per year, −ln(1 + β·T)/T; NaN when 1 + β·T ≤ 0. */
  lambda: number;
  /** ln 2 / λ in years; null when λ is not a positive number (no convergence). */
  halfLife: number | null;
}

/**
 * Absolute beta-convergence (Barro regression) over a panel of units.
 *
 * Regresses g_i = ln(final_i/initial_i)/T on ln(initial_i): g = α + β ln y0.
 * Integrating dy/dt = −λ(ln y − ln y*) gives β = −(1 − e^{−λT})/T, hence
 * λ = −ln(1 + βT)/T and half-life ln 2/λ.
 * halfLife is null (not Infinity) when there is no convergence (λ ≤ 0 or
 * undefined) so that results serialise to JSON unchanged.
 *
 * @param initialLevel levels at the start, per unit.
 * @param finalLevel   levels at the end, same units and order.
 * @param years        length T of the period (> 0), in the unit λ is wanted in.
 * @see Barro, R. & Sala-i-Martin, X. (1992) J. Political Economy 100(2):223–251.
 */
export function betaConvergence(
  initialLevel: ArrayLike<number>,
  finalLevel: ArrayLike<number>,
  years: number,
): BetaResult {
  if (initialLevel.length !== finalLevel.length) {
    throw new RangeError(`initial length ${initialLevel.length} != final length ${finalLevel.length}`);
  }
  if (!(years > 0) || !Number.isFinite(years)) throw new RangeError(`years must be > 0, got ${years}`);
  const lx: number[] = [];
  const gy: number[] = [];
  for (let i = 0; i < initialLevel.length; i++) {
    const a = initialLevel[i];
    const b = finalLevel[i];
    if (!(a > 0) || !(b > 0)) continue; // log undefined: skip, as documented
    lx.push(Math.log(a));
    gy.push(Math.log(b / a) / years);
  }
  const fit = ols(lx, gy);
  const beta = fit.slope;
  const base = 1 + beta * years;
  const lambda = base > 0 ? -Math.log(base) / years : NaN;
  const halfLife = lambda > 0 ? Math.LN2 / lambda : null;
  return { beta, se: fit.slopeSE, n: fit.n, r2: fit.r2, lambda, halfLife };
}

export type Verdict = 'converging' | 'diverging' | 'stable' | 'undetermined';

/** Result of {@link trendVerdict}. */
export interface TrendVerdict {
  /** OLS slope per tick over the trailing window. */
  slope: number;
  slopeSE: number;
  /** Requested window length. */
  window: number;
  /** Finite points actually used (fewer than `window` early in a run). */
  n: number;
  threshold: number;
  verdict: Verdict;
  /** Plain-language statement of the rule and the numbers behind the verdict. */
  rule: string;
}

const fmt = (v: number): string => (Number.isFinite(v) ? Number(v.toPrecision(4)).toString() : String(v));

/**
 * Classify the recent direction of a gap series (e.g. the urban-rural
 * DPD by tick) from the OLS slope over its trailing `window` points.
 *
 * 'converging' if slope < −threshold, 'diverging' if slope > threshold, else
 * 'stable'. Non-finite points in the window are skipped; with fewer than 2
 * usable points the verdict is 'undetermined' rather than a misleading 'stable'.
 * x is the tick index, so the slope is in gap units per tick.
 *
 * @param series gap value per tick.
 * @param opts.window    number of trailing points (integer ≥ 2).
 * @param opts.threshold dead band around 0 for the slope (≥ 0).
 */
export function trendVerdict(
  series: ArrayLike<number>,
  opts: { window: number; threshold: number },
): TrendVerdict {
  const { window, threshold } = opts;
  if (!Number.isInteger(window) || window < 2) throw new RangeError(`window must be an integer >= 2, got ${window}`);
  if (!(threshold >= 0)) throw new RangeError(`threshold must be >= 0, got ${threshold}`);
  const xs: number[] = [];
  const ys: number[] = [];
  for (let t = Math.max(0, series.length - window); t < series.length; t++) {
    if (Number.isFinite(series[t])) {
      xs.push(t);
      ys.push(series[t]);
    }
  }
  const fit = ols(xs, ys);
  const { slope, slopeSE } = fit;
  let verdict: Verdict;
  if (!Number.isFinite(slope)) verdict = 'undetermined';
  else if (slope < -threshold) verdict = 'converging';
  else if (slope > threshold) verdict = 'diverging';
  else verdict = 'stable';
  const band = `converging if slope < -${fmt(threshold)}, diverging if slope > ${fmt(threshold)}, otherwise stable`;
  const rule =
    verdict === 'undetermined'
      ? `Fewer than 2 finite points in the last ${window} ticks, so no trend can be fitted (${band}).`
      : `OLS slope over the last ${fit.n} of ${window} requested ticks is ${fmt(slope)} per tick ` +
        `(SE ${fmt(slopeSE)}); ${band}: ${verdict}.`;
  return { slope, slopeSE, window, n: fit.n, threshold, verdict, rule };
}

function checkTicks(series: ArrayLike<number>, ticks: ArrayLike<number> | undefined): void {
  if (ticks !== undefined && ticks.length !== series.length) {
    throw new RangeError(`ticks length ${ticks.length} != series length ${series.length}`);
  }
}

/**
 * First tick at which a gap has fallen to at most half its initial value while keeping its sign
 * (0 ≤ gap/initial ≤ ½): a jump past zero to the other side (overshoot) is not a halving.
 *
 * @param series gap value per tick; series[0] is the reference (of either sign).
 * @param ticks  optional tick labels (same length); defaults to the index.
 * @returns that tick, or null if it never happens, the series is empty, or the
 *   initial gap is 0 or not finite (halving is then meaningless).
 * @see the half-life notion of Barro & Sala-i-Martin (1992), applied descriptively.
 */
export function halvingTime(series: ArrayLike<number>, ticks?: ArrayLike<number>): number | null {
  checkTicks(series, ticks);
  if (series.length === 0 || !Number.isFinite(series[0]) || series[0] === 0) return null;
  for (let i = 1; i < series.length; i++) {
    // Still on the starting side of zero and at most half as far from it: an overshoot past zero is not a halving.
    const r = series[i] / series[0];
    if (r >= 0 && r <= 0.5) return ticks === undefined ? i : ticks[i];
  }
  return null;
}

/**
 * Maximum of a series and the (first) tick where it occurs; NaN entries are ignored.
 *
 * @param ticks optional tick labels (same length); defaults to the index.
 * @returns { value: NaN, tick: null } when the series is empty or all NaN.
 */
export function peak(series: ArrayLike<number>, ticks?: ArrayLike<number>): { value: number; tick: number | null } {
  checkTicks(series, ticks);
  let value = NaN;
  let at = -1;
  for (let i = 0; i < series.length; i++) {
    if (series[i] > value || (at < 0 && !Number.isNaN(series[i]))) {
      value = series[i];
      at = i;
    }
  }
  return { value, tick: at < 0 ? null : ticks === undefined ? at : ticks[at] };
}

// ---------------------------------------------------------------------------
// Student t distribution, via the regularized incomplete beta function.

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Γ(z) for z > 0 (Lanczos 1964, g = 7; ~15 significant digits). */
function logGamma(z: number): number {
  if (z < 0.5) return logGamma(z + 1) - Math.log(z);
  z -= 1;
  let a = LANCZOS[0];
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i] / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Continued fraction for I_x(a,b) by modified Lentz (Press et al., Numerical Recipes §6.4). */
function betaCF(x: number, a: number, b: number): number {
  // Lentz needs denominators kept away from 0 rather than exactly 0.
  const nz = (v: number): number => (Math.abs(v) < 1e-300 ? 1e-300 : v);
  let c = 1;
  let d = 1 / nz(1 - ((a + b) * x) / (a + 1));
  let h = d;
  for (let m = 1; m <= 100000; m++) {
    const m2 = 2 * m;
    let del = 1;
    for (let odd = 0; odd < 2; odd++) {
      const aa = odd
        ? (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1))
        : (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
      d = 1 / nz(1 + aa * d);
      c = nz(1 + aa / c);
      del = d * c;
      h *= del;
    }
    if (Math.abs(del - 1) < 1e-15) break;
  }
  return h;
}

/** Regularized incomplete beta I_x(a,b); y = 1 − x is passed separately to avoid cancellation. */
function regIncBeta(x: number, y: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (y <= 0) return 1;
  const lnFront = logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(y);
  const front = Math.exp(lnFront);
  return x < (a + 1) / (a + b + 2) ? (front * betaCF(x, a, b)) / a : 1 - (front * betaCF(y, b, a)) / b;
}

/**
 * Upper tail P(T > t) for t ≥ 0, computed directly so small tails keep full precision.
 * df is capped at 1e7 (this also covers df = Infinity): there t and normal quantiles
 * differ by < 3e-7, while larger df would lose more than that to the ln Γ differences.
 */
function tUpperTail(t: number, df: number): number {
  const d = Math.min(df, 1e7);
  const t2 = t * t;
  return 0.5 * regIncBeta(d / (d + t2), t2 / (d + t2), d / 2, 0.5);
}

/**
 * Student t cumulative distribution function P(T ≤ t) with `df` (> 0, may be
 * fractional) degrees of freedom.
 * @see Abramowitz & Stegun (1964) 26.7.1; Press et al. (2007) Numerical Recipes §6.14.
 */
export function studentTCdf(t: number, df: number): number {
  if (!(df > 0)) throw new RangeError(`df must be > 0, got ${df}`);
  if (Number.isNaN(t)) return NaN;
  const tail = tUpperTail(Math.abs(t), df);
  return t >= 0 ? 1 - tail : tail;
}

/**
 * Student t quantile: the t with P(T ≤ t) = p, for 0 < p < 1 and df > 0.
 * Solved by bracketing + bisection on the exact tail, to ~1e-13 relative;
 * slower than Hill's (1970) closed-form approximation but exact to table precision
 * for every df, which matters for the small replicate counts of experiments.
 */
export function studentTQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`p must be in (0, 1), got ${p}`);
  if (!(df > 0)) throw new RangeError(`df must be > 0, got ${df}`);
  if (p === 0.5) return 0;
  const alpha = Math.min(p, 1 - p);
  let lo = 0;
  let hi = 1;
  while (tUpperTail(hi, df) > alpha) {
    lo = hi;
    hi *= 2;
  }
  for (let i = 0; i < 200 && hi - lo > 1e-13 * hi; i++) {
    const mid = 0.5 * (lo + hi);
    if (tUpperTail(mid, df) > alpha) lo = mid;
    else hi = mid;
  }
  const t = 0.5 * (lo + hi);
  return p > 0.5 ? t : -t;
}

/** Result of {@link tConfidenceInterval}. */
export interface ConfidenceInterval {
  n: number;
  mean: number;
  /** Sample standard deviation (n − 1 denominator). */
  sd: number;
  halfWidth: number;
  lo: number;
  hi: number;
}

/**
 * Two-sided Student-t confidence interval for the mean of i.i.d. replicates:
 * mean ± t_{(1+level)/2, n−1} · sd/√n.
 *
 * @param sample replicate values (e.g. one metric across seeds).
 * @param level  confidence level in (0, 1), default 0.95.
 * @returns sd, halfWidth, lo, hi NaN when n < 2 (mean NaN when n = 0).
 * @see Student (1908) Biometrika 6(1):1–25.
 */
export function tConfidenceInterval(sample: ArrayLike<number>, level = 0.95): ConfidenceInterval {
  if (!(level > 0 && level < 1)) throw new RangeError(`level must be in (0, 1), got ${level}`);
  const n = sample.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += sample[i];
  mean /= n;
  if (n < 2) return { n, mean, sd: NaN, halfWidth: NaN, lo: NaN, hi: NaN };
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (sample[i] - mean) * (sample[i] - mean);
  const sd = Math.sqrt(ss / (n - 1));
  const halfWidth = (studentTQuantile((1 + level) / 2, n - 1) * sd) / Math.sqrt(n);
  return { n, mean, sd, halfWidth, lo: mean - halfWidth, hi: mean + halfWidth };
}
