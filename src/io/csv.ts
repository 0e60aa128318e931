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

/** Splits one CSV line into fields (RFC 4180 quotes allowed). */
export function parseCsvLine(line: string): string[] {
  if (!line.includes('"')) return line.split(',');
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') field += line[i++];
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      out.push(field);
      field = '';
    } else field += c;
  }
  out.push(field);
  return out;
}
