// Its own module so the CLI can tell bad input from failure without loading the validator.

/** Bad input: one line naming the file, the field path (and line) and what was expected. Exit code 2. */
export class InputError extends Error {
  constructor(
    readonly file: string,
    readonly field: string | null,
    readonly line: number | null,
    readonly expected: string,
  ) {
    super(`${file}${line !== null ? `:${line}` : ''}: ${field ? `${field}: ` : ''}${expected}`);
  }
}
