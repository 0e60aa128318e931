import type { Scenario } from '../../scenario/schema.ts';

/** What `urd play` puts into the page: the stock scenarios, resolved, and which one opens first. */
export interface PageData {
  presets: { file: string; scenario: Scenario }[];
  initial: number;
}

/** Id of the page's JSON data element. */
export const PAGE_DATA_ID = 'urd-data';
/** Id of the element that receives the final summary of the first world (summary.json's fields) when a run ends. */
export const RESULT_ID = 'urd-result';
/** The same for the second world of the side-by-side view. */
export const RESULT_COMPARE_ID = 'urd-result-compare';
/** The speed slider's last step (also the `speed` URL parameter's): as fast as the worker goes. */
export const MAX_SPEED = 61;
