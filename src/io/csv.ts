/** Quotes a CSV field when it needs it (RFC 4180). */
export function csvField(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return formatNumber(value);
  const s = String(value);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * Formats a number for output files: the shortest text that reads back to the same double
 * (so files are exact and byte-stable across runs); non-finite values become NA, which R and
 * pandas both read as missing.
 */
export function formatNumber(value: number): string {
  return Number.isFinite(value) ? String(value) : 'NA';
}

/** One CSV line (with trailing newline) from fields. */
export function csvLine(fields: readonly (string | number | boolean | null | undefined)[]): string {
  return fields.map(csvField).join(',') + '\n';
}
