import { parseArgs, type ParseArgsConfig } from 'node:util';
import { InputError } from '../scenario/load.ts';

/** Parses a command's arguments, turning parse failures into usage errors (exit 2). */
export function parseCommand<T extends NonNullable<ParseArgsConfig['options']>>(command: string, args: string[], options: T) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new InputError(`urd ${command}`, null, null, `${(err as Error).message.split('\n')[0]} (see urd ${command} --help)`);
  }
}

/** Reads a non-negative integer option, or undefined when absent. */
export function intOption(command: string, name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new InputError(`urd ${command}`, `--${name}`, null, `expected a whole number ≥ 0, got "${value}"`);
  return Number(value);
}
