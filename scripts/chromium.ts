/**
 * Debian's chromium, as the project's tests, benchmark and screenshots drive it through
 * playwright-core: never a downloaded browser, and flags that keep it off this machine's closed
 * network (without them it retries blocked connections at every start).
 */
export const CHROMIUM = process.env.URD_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
