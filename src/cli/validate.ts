import { safeText } from '../io/text.ts';
import { InputError, loadScenario } from '../scenario/load.ts';
import { parseCommand } from './args.ts';

export const VALIDATE_HELP = `urd validate FILE...

Checks scenario files (with their extends chains) against the schema without running them.
Prints "FILE: ok" for each valid file; exits 2 on the first invalid one.`;

/** `urd validate`: returns the exit code. */
export function validateCommand(args: string[]): number {
  const { values, positionals } = parseCommand('validate', args, { help: { type: 'boolean', short: 'h', default: false } });
  if (values.help) {
    process.stdout.write(VALIDATE_HELP + '\n');
    return 0;
  }
  if (positionals.length === 0) throw new InputError('urd validate', null, null, 'expected at least one scenario file');
  for (const file of positionals) {
    const scenario = loadScenario(file);
    process.stdout.write(`${safeText(file)}: ok (${scenario.name}, ${scenario.world.residents} residents, ${scenario.ticks} ticks)\n`);
  }
  return 0;
}
