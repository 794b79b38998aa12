import { describe, expect, it, vi } from 'vitest';
import { main } from './cli.js';

describe('speechkd-text-tower CLI', () => {
  it('rejects bad flags and commands with exit code 2 and a message naming them', async () => {
    const err = vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(await main(['train', '--out', '/tmp/x', '--steps', '5', '--bogus'], () => {})).toBe(2);
    expect(err.mock.calls.flat().join('\n')).toMatch(/--bogus/);
    expect(await main(['train', '--steps', '5'], () => {})).toBe(2);
    expect(err.mock.calls.flat().join('\n')).toMatch(/--out DIR is required/);
    expect(await main(['train', '--out', '/tmp/x', '--steps', 'many'], () => {})).toBe(2);
    expect(err.mock.calls.flat().join('\n')).toMatch(/--steps: expected a non-negative integer, got "many"/);
    expect(await main(['train', '--out', '/tmp/x', '--steps', '5', '--preset', 'huge'], () => {})).toBe(2);
    expect(err.mock.calls.flat().join('\n')).toMatch(/unknown preset "huge"/);
    expect(await main(['train', '--out', '/tmp/x', '--steps', '5', '--exclude', '/no/such.jsonl'], () => {})).toBe(2);
    expect(err.mock.calls.flat().join('\n')).toMatch(/--exclude \/no\/such\.jsonl: cannot read/);
    expect(await main(['fly'], () => {})).toBe(2);
    err.mockRestore();
  });
});
