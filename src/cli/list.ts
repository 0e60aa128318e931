import { readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { fileURLToPath } from 'node:url';
import { LANG_HELP, resolveLang } from '../i18n/lang.ts';
import { localText } from '../i18n/localText.ts';
import { safeText } from '../io/text.ts';
import { InputError } from '../scenario/inputError.ts';
import { readScenarioTexts } from '../scenario/read.ts';
import { parseCommand } from './args.ts';

const scenariosDir = resolve(dirname(fileURLToPath(import.meta.url)), '../../scenarios');

export const LIST_HELP = `urd list [DIR]

Lists the scenarios in DIR (default: urd's scenarios/) with the question each asks. It reads
only their texts; urd validate checks the rest.

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
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(dir, null, null, code === 'ENOENT' ? 'folder not found' : code === 'ENOTDIR' ? 'is not a folder' : `cannot be read (${code})`);
  }
  // Reading twenty small files is over before optimized code could pay back its compilation:
  // with V8's optimizing tiers on, their background compiling was two thirds of list's CPU time
  // (parsing the same files then costs ≈ 35 ms instead of ≈ 100 ms). The command exits when done.
  setFlagsFromString('--max-opt=1');
  const files = names.filter((f) => /\.(ya?ml|json)$/.test(f)).sort();
  // Names and questions come from files: escaped and clipped, so each scenario is one harmless line.
  const shown = files.map((f) => safeText(f, 60));
  const width = Math.max(...shown.map((f) => f.length));
  files.forEach((f, i) => {
    const t = localText(readScenarioTexts(join(dir, f)), lang);
    process.stdout.write(`${shown[i].padEnd(width)}  ${safeText(t.question || t.title, 200)}\n`);
  });
  return 0;
}
