// The package is meant for reuse: its runtime code may import only @tensorflow/tfjs-core (plus
// node:module in the opt-in node-gradients subpath); benchmark and test files are not shipped.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const src = resolve(dirname(fileURLToPath(import.meta.url)), '../src');

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)]));
}

describe('runtime imports', () => {
  it('shipped source files import only @tensorflow/tfjs-core and relative modules', () => {
    const shipped = files(src).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !relative(src, f).startsWith('bench'));
    expect(shipped.length).toBeGreaterThan(20);
    for (const file of shipped) {
      const text = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
      const pattern = /^\s*(?:import|export)\s[^;]*?from\s+'([^']+)'|^\s*import\s+'([^']+)'|\bimport\(\s*'([^']+)'/gm;
      const specs = [...text.matchAll(pattern)].map((m) => m[1] ?? m[2] ?? m[3]);
      for (const spec of specs) {
        const ok =
          spec.startsWith('.') ||
          spec === '@tensorflow/tfjs-core' ||
          (file.endsWith('node-gradients.ts') && (spec === 'node:module' || spec === '@tensorflow/tfjs-core/dist/register_all_gradients.js'));
        expect(ok, `${relative(src, file)} imports '${spec}'`).toBe(true);
      }
    }
  });
});
