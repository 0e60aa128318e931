import { z } from 'zod';
import { LOCAL_TEXT_FIELDS } from '../i18n/localText.ts';
import { LANGS } from '../i18n/terms.ts';
import { INSTRUMENTS, LEVERS, scenarioSchema } from './schema.ts';

/**
 * The scenario schema as JSON Schema (draft 2020-12), for editors: every field with its
 * description, unit, range and default. Input form, so fields with defaults are optional and
 * `extends` is allowed.
 */
export function scenarioJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(scenarioSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  const properties = schema.properties as Record<string, unknown>;
  properties.extends = { type: 'string', description: 'Path of a scenario file this one inherits from and overrides (relative to this file)' };
  // A text may also be a map of languages to texts (title: {en: ..., zh: ...}); see src/scenario/localText.ts.
  for (const key of LOCAL_TEXT_FIELDS) {
    const { description, default: fallback } = properties[key] as { description?: string; default?: string };
    const line = { type: 'string', minLength: 1 };
    properties[key] = {
      description: `${description}: a text, or a map of languages to texts ({en: ..., zh: ...}); ${key}_zh also gives the Chinese`,
      default: fallback,
      anyOf: [{ type: 'string' }, { type: 'object', properties: Object.fromEntries(LANGS.map((l) => [l, line])), additionalProperties: false, minProperties: 1 }],
    };
  }
  // The instruments each lever offers, so an editor flags a mistyped instrument as it is typed.
  const items = (properties.interventions as { items: Record<string, unknown> }).items;
  items.allOf = LEVERS.map((lever) => ({ if: { properties: { lever: { const: lever } }, required: ['lever'] }, then: { properties: { instrument: { enum: [...INSTRUMENTS[lever]] } } } }));
  return { ...schema, $id: 'https://urd.invalid/scenario.schema.json', title: 'urd scenario' };
}
