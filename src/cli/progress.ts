/** Shows progress on a terminal only, and only once a job has taken more than a second. */
export class Progress {
  private readonly started = performance.now();
  private shown = false;
  private readonly enabled: boolean;

  constructor(
    private readonly label: string,
    quiet: boolean,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {
    this.enabled = !quiet && stream.isTTY === true;
  }

  /** Updates the bar: `done` of `total` units, with an estimate of the time left. */
  update(done: number, total: number, unit = ''): void {
    if (!this.enabled) return;
    const elapsed = (performance.now() - this.started) / 1000;
    if (elapsed < 1 && !this.shown) return;
    this.shown = true;
    const width = 30;
    const frac = total > 0 ? Math.min(1, done / total) : 1;
    const filled = Math.round(frac * width);
    const eta = frac > 0 ? (elapsed / frac) * (1 - frac) : 0;
    this.stream.write(`\r${this.label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}${unit} ETA ${eta.toFixed(0)}s `);
  }

  /** Clears the bar line. */
  done(): void {
    if (this.shown) this.stream.write('\r\x1b[2K');
  }
}
