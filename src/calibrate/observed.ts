import { ReadRefused, readRegularFile } from '../io/readFile.ts';
import { parseCsvLine } from '../report/read.ts';
import { InputError } from '../scenario/load.ts';
import { CALIBRATION_LIMITS } from './schema.ts';

/** One observation: a value of (scope, metric) at a tick, with its measurement sd and year label when given. */
export interface Observation {
  tick: number;
  scope: string;
  metric: string;
  value: number;
  sd: number | null;
  year: number | null;
}

/** Largest observed file read (checked before reading). */
const MAX_OBSERVED_BYTES = 64 << 20;

const REQUIRED = ['tick', 'scope', 'metric', 'value'] as const;
const OPTIONAL = ['sd', 'year'] as const;

/**
 * Reads an observed series in the tidy long form of metrics.csv (`tick,scope,metric,value`, with
 * optional `sd` and `year` columns in any order). Empty and NA values are refused except in sd
 * (no measurement error known for that row); each problem names the file, line and column.
 */
export function readObserved(path: string, shown: string): Observation[] {
  let text: string;
  try {
    text = readRegularFile(path, MAX_OBSERVED_BYTES).toString('utf8');
  } catch (err) {
    if (err instanceof ReadRefused) throw new InputError(shown, null, null, `${err.reason}; expected an observed series (a CSV file)`);
    throw err;
  }
  // Spreadsheets often save CSV with a byte-order mark, which would otherwise stick to "tick".
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const header = parseCsvLine(lines[0] ?? '').map((h) => h.trim());
  for (const col of REQUIRED) if (!header.includes(col)) throw new InputError(shown, col, 1, `missing column "${col}"; expected a header with tick,scope,metric,value (and optionally sd, year)`);
  const unknown = header.find((h) => !(REQUIRED as readonly string[]).includes(h) && !(OPTIONAL as readonly string[]).includes(h));
  if (unknown !== undefined) throw new InputError(shown, unknown, 1, `unknown column; expected only tick, scope, metric, value, sd, year`);
  const at = Object.fromEntries(header.map((h, i) => [h, i]));
  const out: Observation[] = [];
  const seen = new Set<string>();
  lines.forEach((line, i) => {
    if (i === 0 || line.trim() === '') return;
    const lineNo = i + 1;
    const f = parseCsvLine(line);
    if (f.length !== header.length) throw new InputError(shown, null, lineNo, `expected ${header.length} fields, got ${f.length}`);
    const num = (col: string, opts: { optional?: boolean; integer?: boolean; min?: number } = {}): number | null => {
      if (at[col] === undefined) return null;
      const s = f[at[col]].trim();
      if ((s === '' || s === 'NA') && opts.optional) return null;
      const v = Number(s);
      if (s === '' || !Number.isFinite(v)) throw new InputError(shown, col, lineNo, `expected a number, got "${s}"`);
      if (opts.integer && !Number.isInteger(v)) throw new InputError(shown, col, lineNo, `expected a whole number, got ${s}`);
      if (opts.min !== undefined && v < opts.min) throw new InputError(shown, col, lineNo, `expected a value ≥ ${opts.min}, got ${s}`);
      return v;
    };
    const tick = num('tick', { integer: true, min: 0 }) as number;
    const scope = f[at.scope].trim();
    const metric = f[at.metric].trim();
    if (!scope) throw new InputError(shown, 'scope', lineNo, 'expected a scope such as urban or rural, got nothing');
    if (!metric) throw new InputError(shown, 'metric', lineNo, 'expected a metric name, got nothing');
    const sd = num('sd', { optional: true });
    if (sd !== null && sd <= 0) throw new InputError(shown, 'sd', lineNo, `expected an sd > 0 (or empty when unknown), got ${sd}`);
    const key = `${tick}|${scope}|${metric}`;
    if (seen.has(key)) throw new InputError(shown, null, lineNo, `a second value for tick ${tick}, scope ${scope}, metric ${metric}; expected one row each`);
    seen.add(key);
    out.push({ tick, scope, metric, value: num('value') as number, sd, year: num('year', { optional: true }) });
    if (out.length > CALIBRATION_LIMITS.maxObservedRows) throw new InputError(shown, null, lineNo, `more than ${CALIBRATION_LIMITS.maxObservedRows} rows`);
  });
  if (out.length === 0) throw new InputError(shown, null, null, 'holds no observations; expected rows of tick,scope,metric,value');
  return out;
}
