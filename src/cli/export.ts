import { join } from 'node:path';
import { exportTable } from '../experiments/export.ts';
import { InputError } from '../scenario/load.ts';
import { didYouMean } from '../scenario/suggest.ts';
import { parseCommand } from './args.ts';

export const EXPORT_HELP = `urd export DIR [--format parquet|csv] [--out FILE]

Gathers every run under DIR — a run folder, a comparison, a sweep or a merged sweep, or a
folder holding several — into one tidy table: source, scenario, seed, one column per swept
parameter, tick, scope_kind (all, urban, rural, ring, place), scope_index, metric, value.
Runs are streamed one at a time, so a sweep of any size fits in memory. Sweeps that kept only
summaries give their final values (last tick, scope all).

  pandas:  pd.read_parquet("export.parquet")
  polars:  pl.read_parquet("export.parquet")
  R:       arrow::read_parquet("export.parquet")
  DuckDB:  SELECT * FROM 'export.parquet'

Options:
  --format F    parquet (default) or csv
  --out FILE    output file (default DIR/export.parquet or DIR/export.csv); an existing file
                that is not an earlier urd export is refused
  -h, --help    this help`;

const FORMATS = ['parquet', 'csv'] as const;

/** \`urd export\`: returns the exit code. */
export function exportCommand(args: string[]): number {
  const { values, positionals } = parseCommand('export', args, {
    format: { type: 'string', default: 'parquet' },
    out: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  });
  if (values.help) {
    process.stdout.write(EXPORT_HELP + '\n');
    return 0;
  }
  if (positionals.length !== 1) throw new InputError('urd export', null, null, 'expected one folder (see urd export --help)');
  const format = values.format as (typeof FORMATS)[number];
  if (!FORMATS.includes(format)) throw new InputError('urd export', '--format', null, `expected parquet or csv, got "${values.format}"${didYouMean(String(values.format), FORMATS)}`);
  const dir = positionals[0];
  const out = values.out ?? join(dir, `export.${format}`);
  const r = exportTable(dir, out, format);
  process.stderr.write(`${r.runs} runs, ${r.rows.toLocaleString('en-US')} rows\n`);
  process.stdout.write(`${out}\n`);
  return 0;
}
