import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkPage, DOC_BLOCKS, fillBlocks } from '../../bench/docs.ts';

describe('bench --write-docs', () => {
  it('replaces only what lies between a block’s markers, and again on a second run', () => {
    const page = 'intro\n<!-- bench:a -->\nold table\n<!-- /bench:a -->\nprose 1.2×\n<!-- bench:b -->\n<!-- /bench:b -->\nend\n';
    const once = fillBlocks(page, { a: '| new |', b: 'line' });
    expect(once).toBe('intro\n<!-- bench:a -->\n| new |\n<!-- /bench:a -->\nprose 1.2×\n<!-- bench:b -->\nline\n<!-- /bench:b -->\nend\n');
    expect(fillBlocks(once, { a: '| newer |', b: 'line' })).toBe(once.replace('| new |', '| newer |'));
  });

  it('refuses a page without a block’s markers, and docs/performance.md has every block', () => {
    expect(() => fillBlocks('<!-- bench:a -->\n', { a: 'x' })).toThrow(/no <!-- bench:a --> … <!-- \/bench:a --> block/);
    expect(() => fillBlocks('<!-- /bench:a -->\n<!-- bench:a -->\n', { a: 'x' })).toThrow(/bench:a/);
    expect(() => checkPage('docs/performance.md')).not.toThrow();
    const text = readFileSync('docs/performance.md', 'utf8');
    for (const name of DOC_BLOCKS) expect(text.split(`<!-- bench:${name} -->`).length, name).toBe(2);
  });
});
