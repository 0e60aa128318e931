// Preloaded into a measured child (node --import): at exit it reports the CPU time of the whole
// process, every thread included (getrusage), on stderr, for bench/childCpu.ts to read.
process.on('exit', () => {
  const u = process.cpuUsage();
  process.stderr.write(`\n@@urd-cpu-ms ${(u.user + u.system) / 1000}\n`);
});
