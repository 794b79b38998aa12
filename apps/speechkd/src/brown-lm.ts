import path from 'node:path';
import { readManifest } from '@speechkd/librispeech';
import { loadBrownSentences, readExcludeSet } from '@speechkd/text-encoders';
import { CharNgramLm } from '@speechkd/recognizer';
import type { Log } from './stage.js';

/**
 * A character LM on the Brown sentences except every transcript of the `exclude` manifests (the synthetic
 * dev/test sets for evaluation, and also the transfer set for labelling it), so no sentence the LM decodes
 * is in its training text. Logs its perplexity on the `perplexityOn` manifest's transcripts.
 */
export function trainBrownLm(order: number, exclude: readonly string[], perplexityOn: string, log: Log): CharNgramLm {
  const t0 = performance.now();
  const text = loadBrownSentences({ exclude: readExcludeSet(exclude) });
  const lm = CharNgramLm.train(text.sentences, { order });
  const ppl = lm.perplexity(readManifest(perplexityOn).map((u) => u.text));
  log(`[lm] character ${order}-gram LM: ${lm.sentences} Brown sentences (${text.excluded} excluded: the transcripts of ${exclude.map((f) => path.relative(process.cwd(), f)).join(', ')}), perplexity ${ppl.toFixed(3)} per character on ${path.basename(perplexityOn)}, ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return lm;
}
