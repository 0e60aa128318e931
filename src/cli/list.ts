import { readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadScenario } from '../scenario/load.ts';
import { parseCommand } from './args.ts';

const scenariosDir = resolve(dirname(fileURLToPath(import.meta.url)), '../../scenarios');

export const LIST_HELP = `urd list [DIR]

Lists the scenarios in DIR (default: urd's scenarios/) with the question each asks.`;

/** `urd list`: returns the exit code. */
export function listCommand(args: string[]): number {
  const { values, positionals } = parseCommand('list', args, { help: { type: 'boolean', short: 'h', default: false } });
  if (values.help) {
    process.stdout.write(LIST_HELP + '\n');
    return 0;
  }
  const dir = positionals[0] ?? scenariosDir;
  const files = readdirSync(dir).filter((f) => /\.(ya?ml|json)$/.test(f)).sort();
  const width = Math.max(...files.map((f) => f.length));
  for (const f of files) {
    const s = loadScenario(join(dir, f));
    process.stdout.write(`${f.padEnd(width)}  ${s.question || s.title}\n`);
  }
  return 0;
}
