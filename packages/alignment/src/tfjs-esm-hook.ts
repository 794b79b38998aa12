// Node module-resolution hook, loaded by node-gradients.ts. tfjs-core's gradients are registered by
// `@tensorflow/tfjs-core/dist/register_all_gradients.js`, an ES module whose relative imports omit file
// extensions (written for bundlers), so plain Node cannot load it. This hook retries such imports
// inside @tensorflow packages with `.js` and `/index.js`.

interface ResolveContext {
  parentURL?: string;
}
type NextResolve = (specifier: string, context: ResolveContext) => Promise<unknown>;

/** Node `resolve` hook (see node:module register). */
export async function resolve(specifier: string, context: ResolveContext, next: NextResolve): Promise<unknown> {
  try {
    return await next(specifier, context);
  } catch (err) {
    const code = (err as { code?: string }).code;
    const fixable = code === 'ERR_MODULE_NOT_FOUND' || code === 'ERR_UNSUPPORTED_DIR_IMPORT';
    if (!fixable || !specifier.startsWith('.') || !context.parentURL?.includes('/node_modules/@tensorflow/')) throw err;
    for (const suffix of ['.js', '/index.js']) {
      try {
        return await next(specifier + suffix, context);
      } catch {
        // try the next suffix
      }
    }
    throw err;
  }
}
