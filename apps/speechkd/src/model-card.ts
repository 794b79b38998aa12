import type { ReleaseInfo, ReleaseMetrics } from '@speechkd/models';

const pct = (x: number): string => (100 * x).toFixed(2);

function metricsRows(name: string, m: ReleaseMetrics): string[] {
  return [
    `| ${name} | ${m.utterances} | greedy | ${pct(m.greedy.wer)} | ${pct(m.greedy.cer)} |`,
    ...(m.lm ? [`| ${name} | ${m.utterances} | character ${m.lm.order}-gram LM (weight ${m.lm.weight}, bonus ${m.lm.bonus}, beam ${m.lm.beamSize}) | ${pct(m.lm.wer)} | ${pct(m.lm.cer)} |`] : []),
  ];
}

/** The model card (README.md) of a released folder, rendered from its release record. */
export function renderModelCard(r: ReleaseInfo): string {
  const data = Object.entries(r.data).map(([k, v]) => `- ${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`);
  return [
    `# ${r.name}`,
    '',
    r.kind === 'speech-teacher'
      ? 'A speech teacher released with speechkd: a Conformer CTC model over characters (log-mel input), trained in-project on synthetic speech only. The main job (`npm start`) distils its students from it.'
      : 'A text tower released with speechkd: a small BERT-style encoder (WordPiece, masked-LM pretraining) trained in-project on the Brown corpus. The main job aligns its students to its token states.',
    '',
    '## Architecture',
    '',
    `${r.model.preset}, ${(r.model.params / 1e6).toFixed(2)} M parameters (${r.model.params.toLocaleString('en-US')}).`,
    '',
    '```json',
    JSON.stringify(r.model.config, null, 2),
    '```',
    '',
    '## Data',
    '',
    ...data,
    '',
    '## Training',
    '',
    `- Steps: ${r.training.steps}.`,
    `- Schedule: ${r.training.schedule}`,
    `- Trained at commit \`${r.training.commit}\` (${r.training.trainedAt})${r.training.seconds === null ? '' : `, ${(r.training.seconds / 3600).toFixed(2)} h of training stages`}.`,
    `- Reproduce from scratch: \`${r.training.command}\` (trains the stages a run folder lacks, then evaluates and packages this folder; on a run whose stages are trained it only packages).`,
    '',
    ...(r.metrics
      ? [
          '## Evaluation (these released weights)',
          '',
          'Synthetic speaker-disjoint dev and test sets of the corpus above (speakers and sentences the teacher never heard), scored with `@speechkd/wer` (corpus WER = total edits / reference words). The LM is trained on the Brown sentences except the dev/test transcripts.',
          '',
          '| set | utterances | decoding | WER % | CER % |',
          '|---|---:|---|---:|---:|',
          ...metricsRows('dev', r.metrics.dev),
          ...metricsRows('test', r.metrics.test),
          '',
        ]
      : []),
    ...(r.validationLoss !== undefined ? ['## Evaluation', '', `Validation masked-LM loss (every 100th Brown sentence, held out, fixed masking): ${r.validationLoss.toFixed(3)} nats.`, ''] : []),
    '## Files and fingerprint',
    '',
    '| file | bytes | precision | sha256 |',
    '|---|---:|---|---|',
    ...r.files.map((f) => `| ${f.path} | ${f.bytes} | ${f.precision} | \`${f.sha256}\` |`),
    '',
    `\`check/\` holds what a test reproduces: ${r.kind === 'speech-teacher' ? 'a few held-out dev utterances with this model\'s greedy transcripts and their WER' : 'a few held-out sentences with checksums of this model\'s top-layer states'} (\`release.json\`, \`check\`).`,
    '',
    '## License',
    '',
    r.license,
    '',
  ].join('\n');
}
