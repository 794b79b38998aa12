#!/usr/bin/env node
import { resolvePipelineConfig, PIPELINE_PRESETS, DEFAULT_PIPELINE } from './pipeline-config.js';
import { runPipeline } from './pipeline.js';
import { formatTextTable, resultTable } from './report.js';

const USAGE = `usage: speechkd run [--preset default|full|micro] [--<setting>=<value> ...] [--only=<stage>]

The main job: synthesize a LibriSpeech-layout corpus, train the text tower and the speech teacher,
cache the teachers' outputs, train the student CTC-only and with distillation (and the ablations with
--ablations=true), evaluate them all with wer-eval, write runs/<name>/report.md, report.html and
summary.json. Finished stages are reused; --jobs=N trains N stages at once in worker processes;
--only=<stage> runs one stage whose prerequisites have finished.
Presets: ${Object.keys(PIPELINE_PRESETS).join(', ')}. Settings: ${Object.keys(DEFAULT_PIPELINE).join(', ')}.`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return command === undefined ? 2 : 0;
  }
  if (command !== 'run') throw new Error(`unknown command "${command}"\n${USAGE}`);
  // --key=value or --key value; the config resolver rejects unknown keys.
  const flags: Record<string, string> = {};
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (!a.startsWith('--')) throw new Error(`argument "${a}": expected --key=value\n${USAGE}`);
    const eq = a.indexOf('=');
    if (eq > 2) flags[a.slice(2, eq)] = a.slice(eq + 1);
    else if (i + 1 < rest.length && !rest[i + 1].startsWith('--')) flags[a.slice(2)] = rest[++i];
    else throw new Error(`${a}: give a value (${a}=VALUE)`);
  }
  const preset = flags.preset ?? 'default';
  const only = flags.only;
  delete flags.preset;
  delete flags.only;
  const cfg = resolvePipelineConfig(preset, flags);
  process.stderr.write(`[speechkd] config: ${JSON.stringify(cfg)}\n`);
  const commandLine = ['npm start', ...(argv.length > 1 ? ['--', ...argv.slice(1)] : [])].join(' ');
  const result = await runPipeline(cfg, { command: commandLine, only });
  if (only) return 0;
  process.stdout.write(`\n${formatTextTable(resultTable(result.systems))}\n\nreports: ${result.reports.markdown}, ${result.reports.html}, ${result.reports.summary}\n`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err: Error) => {
    process.stderr.write(`speechkd: ${err.name && err.name !== 'Error' ? `${err.name}: ` : ''}${err.message}\n`);
    if (process.env.SPEECHKD_DEBUG) process.stderr.write(`${err.stack}\n`);
    process.exitCode = 1;
  },
);
