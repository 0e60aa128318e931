/**
 * Numbers for reading (reports and the terminal): a few significant digits, floating-point
 * noise shown as 0, one minus sign. Files for analysis (CSV) keep full precision; only what a
 * person reads goes through here.
 */

/** The typographic minus of reports; the terminal keeps ASCII '-' so copied numbers parse. */
export const MINUS = '\u2212';

export interface ReadableOptions {
  /** Significant digits (default 3). */
  digits?: number;
  /**
   * Size of the quantity the number belongs to (e.g. the mean a spread or a difference is
   * about): anything below 1e-9 of it is rounding noise of the sums and reads as 0.
   */
  scale?: number;
  /** Minus sign (default U+2212). */
  minus?: string;
  /** Prefix positive numbers with '+' (differences). */
  sign?: boolean;
  /** Group thousands (default true). */
  group?: boolean;
}

/** Noise floor: below this fraction of the scale (or absolutely, without one), a value is 0. */
const NOISE = 1e-9;

/** A number as a person reads it: `+60,000`, `0.0195`, `−0.382`, `0` for 3.4e-11 next to 60,000. */
export function readable(v: number, o: ReadableOptions = {}): string {
  if (v === null || v === undefined || Number.isNaN(v)) return 'n/a';
  const minus = o.minus ?? MINUS;
  if (!Number.isFinite(v)) return v > 0 ? '∞' : `${minus}∞`;
  const floor = NOISE * Math.max(1, Math.abs(o.scale ?? 0));
  if (Math.abs(v) < floor) return '0';
  const digits = o.digits ?? 3;
  const a = Math.abs(v);
  let body: string;
  if (a >= 1e9 || a < 1e-4) {
    const [m, e] = a.toExponential(digits - 1).split('e');
    body = `${m}e${e.replace('+', '').replace('-', minus)}`;
  } else {
    const rounded = Number(a.toPrecision(digits));
    body = o.group === false ? String(rounded) : rounded.toLocaleString('en-US', { maximumFractionDigits: 10 });
  }
  return `${v < 0 ? minus : o.sign ? '+' : ''}${body}`;
}
