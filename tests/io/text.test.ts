import { describe, expect, it } from 'vitest';
import { csvField, csvLine, formatNumber, parseCsvLine } from '../../src/io/csv.ts';
import { summaryProblem } from '../../src/io/summaryCheck.ts';
import { MAX_SHOWN, safeLine, safeText } from '../../src/io/text.ts';

describe('safeLine: control characters shown as escapes', () => {
  it('C0, DEL, C1, line and paragraph separators, bidirectional marks and overrides', () => {
    expect(safeLine('a\u0000b\u001b[31mc\nd\re\tf')).toBe('a\\x00b\\x1b[31mc\\x0ad\\x0de\\x09f');
    expect(safeLine('\u007f\u0080\u0085\u009f')).toBe('\\x7f\\x80\\x85\\x9f');
    expect(safeLine('\u2028\u2029\u200e\u200f\u202a\u202e\u2066\u2069')).toBe('\\u2028\\u2029\\u200e\\u200f\\u202a\\u202e\\u2066\\u2069');
  });

  it('leaves printable text, CJK and the characters next to the unsafe ranges as they are', () => {
    const kept = ' ~\u00a0\u00ff数字鸿沟\u2027\u202f\u2065\u206a\u200d\u2010';
    expect(safeLine(kept)).toBe(kept);
  });
});

describe('safeText: shortened in the middle', () => {
  it('text of at most max characters is kept whole', () => {
    const t = 'x'.repeat(MAX_SHOWN);
    expect(MAX_SHOWN).toBe(160);
    expect(safeText(t)).toBe(t);
    expect(safeText('abcdefghij', 10)).toBe('abcdefghij');
  });

  it('longer text keeps its first max-24 and last 10 characters and counts what is left out', () => {
    const t = Array.from({ length: 500 }, (_, i) => String.fromCharCode(65 + (i % 26))).join('');
    const s = safeText(t);
    const m = /^(.*)…\((\d+) more\)…(.*)$/s.exec(s);
    expect(m).not.toBeNull();
    const [, head, omitted, tail] = m as RegExpExecArray;
    expect(head).toBe(t.slice(0, MAX_SHOWN - 24));
    expect(tail).toBe(t.slice(-10));
    expect(head.length + Number(omitted) + tail.length).toBe(t.length);
    const one = safeText('y'.repeat(41), 40);
    expect(one).toBe(`${'y'.repeat(16)}…(15 more)…${'y'.repeat(10)}`);
  });

  it('escapes after shortening', () => {
    expect(safeText('\u001b'.repeat(50), 40)).toBe(`${'\\x1b'.repeat(16)}…(24 more)…${'\\x1b'.repeat(10)}`);
  });
});

describe('CSV fields', () => {
  it('quotes exactly the fields with a quote, comma, newline or carriage return, doubling quotes', () => {
    expect(csvField('plain text')).toBe('plain text');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('cr\r')).toBe('"cr\r"');
    expect(csvField(null)).toBe('');
    expect(csvField(undefined)).toBe('');
    expect(csvField(true)).toBe('true');
    expect(csvField(0.1 + 0.2)).toBe('0.30000000000000004');
    expect(csvLine(['a', 1, null, 'b,c'])).toBe('a,1,,"b,c"\n');
  });

  it('non-finite numbers are NA; finite ones read back to the same double', () => {
    expect(formatNumber(NaN)).toBe('NA');
    expect(formatNumber(Infinity)).toBe('NA');
    expect(formatNumber(-Infinity)).toBe('NA');
    for (const x of [1e-300, -2.5, 123456789.123, 5e-324]) expect(Number(formatNumber(x))).toBe(x);
  });

  it('parseCsvLine reads back every line csvLine writes', () => {
    const rows = [['a', 'b'], ['', 'x,y', 'q"uote', ''], ['"', ',', '""'], ['end,']];
    for (const r of rows) expect(parseCsvLine(csvLine(r).slice(0, -1))).toEqual(r);
    expect(parseCsvLine('a,,b')).toEqual(['a', '', 'b']);
    expect(parseCsvLine('ab,"c,d",ef')).toEqual(['ab', 'c,d', 'ef']);
  });
});

describe('summaryProblem', () => {
  const good = {
    scenario: 's',
    seed: 1,
    ticks: 10,
    final: { dpd: 0.5, x: null },
    ruralShare: 0.4,
    dpd: { initial: 1, final: 0.5, change: -0.5, peak: 1, peakTick: 0, halvingTick: null },
    trend: { slope: -0.1, slopeSE: 0.01, verdict: 'converging', rule: 'r' },
    beta: { beta: -0.2, se: 0.1, halfLife: null },
    verdict: 'converging',
    spending: { all: 3 },
    events: { tipping: 0, overspend: 1 },
  };

  it('the shape urd writes passes; a wrong field is named by its path', () => {
    expect(summaryProblem(good)).toBeNull();
    expect(summaryProblem({ ...good, seed: -1 })).toMatch(/^seed: /);
    expect(summaryProblem({ ...good, dpd: { ...good.dpd, peak: 'high' } })).toMatch(/^dpd\.peak: /);
    expect(summaryProblem({ ...good, final: { dpd: '1' } })).toMatch(/^final\.dpd: /);
    expect(summaryProblem(null)).toMatch(/^summary: /);
  });
});
