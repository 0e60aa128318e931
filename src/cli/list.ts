import { readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadScenario } from '../scenario/load.ts';
import { LANG_HELP, resolveLang } from '../i18n/lang.ts';
import { localText } from '../i18n/report.ts';
import { parseCommand } from './args.ts';

const scenariosDir = resolve(dirname(fileURLToPath(import.meta.url)), '../../scenarios');

export const LIST_HELP = `urd list [DIR]

Lists the scenarios in DIR (default: urd's scenarios/) with the question each asks.

Options:
${LANG_HELP}`;

/** `urd list`: returns the exit code. */
export function listCommand(args: string[]): number {
  const { values, positionals } = parseCommand('list', args, { lang: { type: 'string' }, help: { type: 'boolean', short: 'h', default: false } });
  if (values.help) {
    process.stdout.write(LIST_HELP + '\n');
    return 0;
  }
  const lang = resolveLang('list', values.lang);
  const dir = positionals[0] ?? scenariosDir;
  const files = readdirSync(dir).filter((f) => /\.(ya?ml|json)$/.test(f)).sort();
  const width = Math.max(...files.map((f) => f.length));
  const lines = files.map((f) => {
    const t = localText(loadScenario(join(dir, f)), lang);
    return `${f.padEnd(width)}  ${t.question || t.title}\n`;
  });
  process.stdout.write(lines.join(''));
  return 0;
}
