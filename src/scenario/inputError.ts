// Its own module so the CLI can tell bad input from failure without loading the validator.
import { safeText } from '../io/text.ts';

/** Bad input: one line naming the file, the field path (and line) and what was expected. Exit code 2. */
export class InputError extends Error {
  constructor(
    readonly file: string,
    readonly field: string | null,
    readonly line: number | null,
    readonly expected: string,
  ) {
    // Names and values come from the input: escaped and shortened, so a message is one harmless line.
    super(`${safeText(file, 300)}${line !== null ? `:${line}` : ''}: ${field ? `${safeText(field)}: ` : ''}${safeText(expected, 600)}`);
  }
}
