import { z } from 'zod';

/** Unit and meaning of one parameter, attached to its schema so docs and the JSON Schema carry them. */
export interface ParamMeta {
  unit: string;
  meaning: string;
}

/**
 * Returns a number schema with a default, an inclusive range, a unit and a one-line meaning.
 * Every model parameter is declared through this helper so that each has exactly one name,
 * one default, one unit and one meaning, in one place (the schema).
 */
export function param(defaultValue: number, min: number, max: number, unit: string, meaning: string) {
  return z
    .number()
    .min(min)
    .max(max)
    .default(defaultValue)
    .meta({ description: `${meaning} [${unit}; ${min}..${max}; default ${defaultValue}]`, unit, meaning });
}

/** Like {@link param}, for whole numbers (counts, ticks). */
export function intParam(defaultValue: number, min: number, max: number, unit: string, meaning: string) {
  return z
    .number()
    .int()
    .min(min)
    .max(max)
    .default(defaultValue)
    .meta({ description: `${meaning} [${unit}; ${min}..${max}; default ${defaultValue}]`, unit, meaning });
}
