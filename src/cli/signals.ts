/**
 * Stopping on Ctrl-C (SIGINT) or SIGTERM alike: the handler only raises a flag and says so in
 * one line; the command stops at its next safe point (the end of a tick, or between runs).
 */

/** The flag raised by SIGINT or SIGTERM, and the handlers' removal. */
export interface StopSignals {
  /** The name of the first signal received, or null. */
  stopped: () => string | null;
  /** From now on the handler says nothing: the caller prints the one line (the work left is drawn in one go, or already complete). */
  quiet: () => void;
  remove: () => void;
}

/**
 * Installs SIGINT and SIGTERM handlers that only raise a flag (the run stops at the end of the
 * current tick), and returns the flag and a function removing them. `announce: false` leaves the
 * one line to the caller, for work that is drawn in one go (the handler could only run after it).
 */
export function stopOnSignals(what = 'tick', announce = true): StopSignals {
  let say = announce;
  return listen((name, first) => {
    if (first && say) process.stderr.write(`\nurd: ${name} received; stopping at the end of this ${what}\n`);
  }, () => (say = false));
}

/**
 * For work spread over worker threads (sweep, calibrate): the first SIGINT or SIGTERM aborts it
 * through the returned AbortSignal, saying that `kept` (the finished work) is kept, and a second
 * quits at once (exit 130). Once {@link StopSignals.quiet} is called (the work is complete), a
 * signal only raises the flag.
 */
export function abortOnSignals(label: string, kept: string): StopSignals & { signal: AbortSignal } {
  const controller = new AbortController();
  let working = true;
  const signals = listen(
    () => {
      if (!working) return;
      if (controller.signal.aborted) process.exit(130);
      process.stderr.write(`\n${label}: stopping (again to quit at once); ${kept}\n`);
      controller.abort();
    },
    () => (working = false),
  );
  return { ...signals, signal: controller.signal };
}

/** Installs one handler for SIGINT and SIGTERM that records the first signal, then calls `react` (with whether it was the first). */
function listen(react: (name: NodeJS.Signals, first: boolean) => void, quiet: () => void): StopSignals {
  let signal: string | null = null;
  const handler = (name: NodeJS.Signals) => {
    const first = signal === null;
    signal ??= name;
    react(name, first);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    stopped: () => signal,
    quiet,
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
