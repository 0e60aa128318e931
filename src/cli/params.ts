import { scenarioJsonSchema } from '../scenario/jsonSchema.ts';
import { InputError } from '../scenario/load.ts';
import { didYouMean } from '../scenario/suggest.ts';
import { parseCommand } from './args.ts';

export const PARAMS_HELP = `urd params [SECTION]

Lists the scenario's model parameters with unit, range, default and meaning, from the schema
itself (so it is never out of date). SECTION narrows the list to one part: world, technology,
capital, talent, diffusion, rights, policy, fiscal, metrics; or a full path such as
talent.barrier. Use a path with --set or in a sweep's parameters.

Options:
  -h, --help    this help`;

/** One parameter as the schema declares it. */
export interface ParamRow {
  path: string;
  unit: string;
  min: number | undefined;
  max: number | undefined;
  default: unknown;
  meaning: string;
}

/** Every parameter with a unit and meaning (declared through param()/intParam()), in schema order. */
export function parameterRows(): ParamRow[] {
  const out: ParamRow[] = [];
  const walk = (node: Record<string, unknown>, prefix: string) => {
    for (const [k, v] of Object.entries((node.properties ?? {}) as Record<string, Record<string, unknown>>)) {
      const path = prefix ? `${prefix}.${k}` : k;
      if (typeof v.meaning === 'string') out.push({ path, unit: String(v.unit ?? ''), min: v.minimum as number | undefined, max: v.maximum as number | undefined, default: v.default, meaning: v.meaning });
      walk(v, path);
    }
  };
  walk(scenarioJsonSchema(), '');
  return out;
}

/** `urd params`: returns the exit code. */
export function paramsCommand(args: string[]): number {
  const { values, positionals } = parseCommand('params', args, { help: { type: 'boolean', short: 'h', default: false } });
  if (values.help) {
    process.stdout.write(PARAMS_HELP + '\n');
    return 0;
  }
  const all = parameterRows();
  const section = positionals[0];
  const rows = section === undefined ? all : all.filter((r) => r.path === section || r.path.startsWith(`${section}.`));
  if (!rows.length) {
    const known = [...new Set(all.flatMap((r) => [r.path, r.path.split('.')[0]]))];
    throw new InputError('urd params', null, null, `no parameters under "${section}"${didYouMean(section!, known)}; expected a section (${[...new Set(all.map((r) => r.path.split('.')[0]))].join(', ')}) or a parameter path`);
  }
  const width = Math.max(...rows.map((r) => r.path.length));
  const text = rows.map((r) => {
    const range = r.min !== undefined || r.max !== undefined ? `${r.min ?? ''}..${r.max ?? ''}` : '';
    return `${r.path.padEnd(width)}  default ${JSON.stringify(r.default)}  [${r.unit}${range ? `; ${range}` : ''}]\n${' '.repeat(width + 2)}${r.meaning}\n`;
  });
  process.stdout.write(text.join(''));
  return 0;
}
