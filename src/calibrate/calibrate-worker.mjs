// Worker-thread entry for tinypool (as src/experiments/worker.mjs): tsx is registered before the
// TypeScript task module loads, since a worker thread starts with a fresh module loader.
import { register } from 'tsx/esm/api';

register();
const { simulate } = await import('./simulate.ts');

/** tinypool calls the default export with each task. */
export default simulate;
