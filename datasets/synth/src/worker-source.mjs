// Starts worker.ts from TypeScript source (tests, tsx): the compiled package uses dist/worker.js instead.
// It registers tsx and the "@speechkd/source" export condition, as vitest does for the main thread.
import { register } from 'node:module';

register('data:text/javascript,' + encodeURIComponent(
  "export async function resolve(s, c, next) { return next(s, { ...c, conditions: [...c.conditions, '@speechkd/source'] }); }",
));
const { register: registerTsx } = await import('tsx/esm/api');
registerTsx();
await import(new URL('./worker.ts', import.meta.url).href);
