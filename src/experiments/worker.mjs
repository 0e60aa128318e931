// Worker-thread entry for tinypool. Sources are TypeScript run through tsx, and a worker thread
// starts with a fresh module loader, so tsx is registered here before the task module loads.
import { register } from 'tsx/esm/api';

register();
const { executeRun } = await import('./task.ts');

/** tinypool calls the default export with each task. */
export default executeRun;
