// The runs' own time of a sweep (bench/sweepThroughput.ts): run in a fresh process, it reads
// sweep tasks as JSON on stdin and runs each with the built worker's own function
// (dist/cli/worker.mjs: the run and its record, exactly what a sweep's worker does), one after
// another, alone. The first task is not timed (it also compiles the model, which is each
// worker's start-up cost). Prints the median CPU ms of the others: a process's runs are not all
// alike to the JIT (from about the tenth run, three or four runs take 3× as long while V8
// deoptimizes the model's functions on "wrong map" and recompiles them, once per process), and
// that one-time cost belongs with the worker's start-up, not with every run.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { default: executeRun } = await import(pathToFileURL(join(root, 'dist', 'cli', 'worker.mjs')).href);
const tasks = JSON.parse(readFileSync(0, 'utf8'));
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
executeRun(tasks[0]);
const times = tasks.slice(1).map((task) => {
  const c0 = cpuMs();
  executeRun(task);
  return cpuMs() - c0;
});
times.sort((a, b) => a - b);
const mid = times.length >> 1;
const runMs = times.length % 2 ? times[mid] : (times[mid - 1] + times[mid]) / 2;
process.stdout.write(`@@urd-runs-alone ${JSON.stringify({ runMs, times })}\n`);
