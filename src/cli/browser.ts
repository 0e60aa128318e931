/**
 * Opening a report or the classroom page in the user's browser. The opener is the BROWSER
 * environment variable when set (the convention of xdg-open and Python's webbrowser; also how a
 * test or a headless machine swaps in its own command), else the platform's default. A missing
 * opener costs only a one-line note: the file is written, the user opens it by hand.
 */
import { spawn } from 'node:child_process';

/** The command and arguments that open `target`: BROWSER (a command path, the target its one argument) or the platform's opener. */
export function openerFor(target: string, env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): [string, string[]] {
  if (env.BROWSER) return [env.BROWSER, [target]];
  if (platform === 'darwin') return ['open', [target]];
  if (platform === 'win32') return ['cmd', ['/c', 'start', '', target]];
  return ['xdg-open', [target]];
}

/** Starts the opener without waiting for it; if it cannot start, prints one note on stderr. */
export function openInBrowser(target: string): void {
  const [cmd, args] = openerFor(target);
  try {
    const child = spawn(cmd, args, { detached: true, stdio: 'ignore' });
    child.on('error', () => process.stderr.write(`note: could not open ${target} (${cmd} not available); open it by hand\n`));
    child.unref();
  } catch {
    process.stderr.write(`note: could not open ${target} (${cmd} cannot be started); open it by hand\n`);
  }
}
