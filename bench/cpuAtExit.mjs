// Preloaded into a measured child (node --import): at exit it reports the CPU time of the whole
// process, every thread included (getrusage), and its peak resident set size, on stderr, for
// bench/childCpu.ts to read.
import { readFileSync } from 'node:fs';

process.on('exit', () => {
  const u = process.cpuUsage();
  let peak = process.resourceUsage().maxRSS * 1024;
  try {
    const m = /VmHWM:\s+(\d+)\s+kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) peak = Number(m[1]) * 1024;
  } catch {
    // not Linux: getrusage's peak
  }
  process.stderr.write(`\n@@urd-cpu-ms ${(u.user + u.system) / 1000}\n@@urd-peak-rss ${peak}\n`);
});
