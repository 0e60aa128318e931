/**
 * Stopping on Ctrl-C (SIGINT) or SIGTERM alike: the handler only raises a flag and says so in
 * one line; the command stops at its next safe point (the end of a tick, or between runs).
 */

/**
 * Installs SIGINT and SIGTERM handlers that only raise a flag (the run stops at the end of the
 * current tick), and returns the flag and a function removing them.
 */
export function stopOnSignals(what = 'tick'): { stopped: () => string | null; remove: () => void } {
  let signal: string | null = null;
  const handler = (name: NodeJS.Signals) => {
    if (signal === null) process.stderr.write(`\nurd: ${name} received; stopping at the end of this ${what}\n`);
    signal ??= name;
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    stopped: () => signal,
    remove: () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}
