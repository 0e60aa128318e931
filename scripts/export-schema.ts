// Regenerates docs/scenario.schema.json from the zod schema: `npx tsx scripts/export-schema.ts`.
// tests/scenario/schema.test.ts fails when the committed file is stale.
import { writeFileSync } from 'node:fs';
import { scenarioJsonSchema } from '../src/scenario/jsonSchema.ts';

writeFileSync(new URL('../docs/scenario.schema.json', import.meta.url), JSON.stringify(scenarioJsonSchema(), null, 2) + '\n');
