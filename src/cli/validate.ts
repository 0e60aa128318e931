import { safeText } from '../io/text.ts';
import { InputError, InputErrors, loadScenario } from '../scenario/load.ts';
import { parseCommand, warnNoEffect } from './args.ts';

export const VALIDATE_HELP = `urd validate FILE...

Checks scenario files (with their extends chains) against the schema without running them.
Checks every file given and reports every error of each, in file order; prints "FILE: ok"
for each valid file and a warning for an intervention that can have no effect. Exits 2 when
any file is invalid (warnings alone exit 0).`;

/** `urd validate`: returns the exit code. */
export function validateCommand(args: string[]): number {
  const { values, positionals } = parseCommand('validate', args, { help: { type: 'boolean', short: 'h', default: false } });
  if (values.help) {
    process.stdout.write(VALIDATE_HELP + '\n');
    return 0;
  }
  if (positionals.length === 0) throw new InputError('urd validate', null, null, 'expected at least one scenario file');
  const errors: InputError[] = [];
  for (const file of positionals) {
    try {
      const scenario = loadScenario(file);
      process.stdout.write(`${safeText(file)}: ok (${scenario.name}, ${scenario.world.residents} residents, ${scenario.ticks} ticks)\n`);
      warnNoEffect(file, scenario);
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      errors.push(...(err instanceof InputErrors ? err.errors : [err]));
    }
  }
  if (errors.length) throw errors.length === 1 ? errors[0] : new InputErrors(errors);
  return 0;
}
