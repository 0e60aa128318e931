/**
 * Stopping on Ctrl-C (SIGINT) or SIGTERM alike: the handler only raises a flag and says so in
 * one line; the command stops at its next safe point (the end of a tick, or between runs).
 */

/**
 * Installs SIGINT and SIGTERM handlers that only raise a flag (the run stops at the end of the
 * current tick), and returns the flag and a function removing them. `announce: false` leaves the
 * one line to the caller, for work that is drawn in one go (the handler could only run after it).
 */
export function stopOnSignals(what = 'tick', announce = true): { stopped: () => string | null; remove: () => void } {
  let signal: string | null = null;
  const handler = (name: NodeJS.Signals) => {
    if (signal === null && announce) process.stderr.write(`\nurd: ${name} received; stopping at the end of this ${what}\n`);
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

/**
 * Resolves once every signal that arrived during synchronous work has reached its handler. A
 * signal wakes the event loop's poll phase, and one setImmediate may run in the check phase just
 * after a poll that came before the signal; the second runs after the next poll.
 */
export async function afterPendingSignals(): Promise<void> {
  for (let turn = 0; turn < 2; turn++) await new Promise((resolve) => setImmediate(resolve));
}
