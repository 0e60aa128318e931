#!/usr/bin/env node
// `npm run bench`: runs bench/run.ts through tsx (no build step); see docs/performance.md.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../bench/run.ts');
process.exitCode = await main(process.argv.slice(2));
