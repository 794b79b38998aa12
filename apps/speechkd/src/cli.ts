#!/usr/bin/env node
import { resolvePipelineConfig, PIPELINE_PRESETS, DEFAULT_PIPELINE, PipelineConfigError } from './pipeline-config.js';
import { runPipeline } from './pipeline.js';
import { formatTextTable, leadSentence, resultTable, stageTimesLine } from './report.js';
import { lmSweep } from './lm-sweep.js';
import { releaseTeachers } from './release.js';
import { LM_DECODING_DEFAULTS } from '@speechkd/recognizer';
import { exitWithParent, runCli, UsageError } from '@speechkd/safe-io';
import { checkOutputFolders } from './output-folders.js';

const USAGE = `usage: speechkd run [--preset ${Object.keys(PIPELINE_PRESETS).join('|')}] [--<setting>=<value> ...] [--only=<stage>]

The main job: synthesize a LibriSpeech-layout corpus, train the text tower and the speech teacher,
cache the teachers' outputs, train the student CTC-only and with distillation (and the ablations with
--ablations=true), evaluate them all with wer-eval, write runs/<name>/report.md, report.html and
summary.json. Finished stages are reused; every training uses every core (data-parallel worker threads;
--cores=N limits them); --jobs=N trains N stages at once in worker processes, each on cores/N workers;
--only=<stage> runs one stage whose prerequisites have finished.
Presets: ${Object.keys(PIPELINE_PRESETS).join(', ')}. Settings: ${Object.keys(DEFAULT_PIPELINE).join(', ')}.

       speechkd release [--preset full] [--<setting>=<value> ...] [--out=DIR] [--check=8] [--commit=SHA]
Trains the teacher stages of a run that are not finished (synthesis, the speech teacher's phases, the text
tower; the settings must say --speechTeacher=train --textTeacher=train, as --preset=full does), evaluates the
speech teacher's float16 weights on the synthetic dev/test sets, and writes both as released folders with a
model card (README.md), release.json (data, schedule, metrics, commit, sha256 of every file) and check/ into
DIR (default: the models/ folder of @speechkd/models), replacing an earlier release only once complete.

       speechkd lm-sweep --run=runs/<name> [--orders=${LM_DECODING_DEFAULTS.lmOrder}] [--weights=0.5,0.8,1.2] [--bonuses=0.5,1.5,2.5]
                         [--beamSize=${LM_DECODING_DEFAULTS.beamSize}] [--subset=dev|test]
Scores every system of a finished run on the synthetic dev set (default) with each LM setting, greedy first;
writes runs/<name>/lm-sweep-<subset>.json (a rerun keeps finished settings; the file keeps the rows of every
grid and beam swept) and prints this grid's table.`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return command === undefined ? 2 : 0;
  }
  if (command !== 'run' && command !== 'lm-sweep' && command !== 'release') throw new UsageError(`unknown command "${command}"`);
  // --key=value or --key value; the config resolver rejects unknown keys.
  const flags: Record<string, string> = {};
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (!a.startsWith('--')) throw new UsageError(`argument "${a}": expected --key=value`);
    const eq = a.indexOf('=');
    if (eq > 2) flags[a.slice(2, eq)] = a.slice(eq + 1);
    else if (i + 1 < rest.length && !rest[i + 1].startsWith('--')) flags[a.slice(2)] = rest[++i];
    else throw new UsageError(`${a}: give a value (${a}=VALUE)`);
  }
  if (command === 'lm-sweep') return sweep(flags);
  if (command === 'release') return release(flags, argv);
  const preset = flags.preset ?? 'default';
  const only = flags.only;
  const stageWorkers = flags.stageWorkers === undefined ? undefined : Number(flags.stageWorkers);
  if (stageWorkers !== undefined && !(Number.isInteger(stageWorkers) && stageWorkers >= 1)) throw new PipelineConfigError(`--stageWorkers=${flags.stageWorkers}: must be an integer >= 1`);
  delete flags.preset;
  delete flags.only;
  delete flags.stageWorkers;
  const cfg = resolvePipelineConfig(preset, flags);
  checkOutputFolders(cfg);
  process.stderr.write(`[speechkd] config: ${JSON.stringify(cfg)}\n`);
  const commandLine = ['npm start', ...(argv.length > 1 ? ['--', ...argv.slice(1)] : [])].join(' ');
  const result = await runPipeline(cfg, { command: commandLine, only, stageWorkers });
  if (only) return 0;
  const lead = result.comparison ? `${leadSentence(result.comparison)}\n\n` : '';
  process.stdout.write(`\n${lead}${formatTextTable(resultTable(result.systems))}\n\nstage times: ${stageTimesLine(result.stageSeconds, result.wallSeconds)}\nreports: ${result.reports.markdown}, ${result.reports.html}, ${result.reports.summary}\n`);
  return 0;
}

async function release(flags: Record<string, string>, argv: string[]): Promise<number> {
  const own = { out: flags.out, check: flags.check, commit: flags.commit };
  delete flags.out;
  delete flags.check;
  delete flags.commit;
  const preset = flags.preset ?? 'full';
  delete flags.preset;
  const check = own.check === undefined ? 8 : Number(own.check);
  if (!Number.isInteger(check) || check < 1) throw new PipelineConfigError(`--check=${own.check}: must be an integer >= 1`);
  const cfg = resolvePipelineConfig(preset, flags);
  checkOutputFolders(cfg, { '--out': own.out }); // the release is written after every teacher stage: its folder is checked now
  process.stderr.write(`[speechkd] config: ${JSON.stringify(cfg)}\n`);
  const r = await releaseTeachers(cfg, { out: own.out, check, commit: own.commit, command: reproduction(argv) });
  process.stdout.write(`released: ${r.speech}\n          ${r.text}\n`);
  return 0;
}

/** The command line that retrains a release: the settings, without the packaging-only flags (--out, --check, --commit). */
function reproduction(argv: readonly string[]): string {
  const kept = argv.filter((a) => !/^--(out|check|commit)(=|$)/.test(a));
  return ['node apps/speechkd/dist/cli.js', ...kept.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`))].join(' ');
}

/** A comma list of numbers from a flag, each checked. */
function numbers(flags: Record<string, string>, key: string, fallback: string, ok: (x: number) => boolean, what: string): number[] {
  const raw = flags[key] ?? fallback;
  const xs = raw.split(',').map((x) => Number(x.trim()));
  if (raw.trim() === '' || xs.some((x) => !Number.isFinite(x) || !ok(x))) throw new PipelineConfigError(`--${key}=${raw}: give a comma list of ${what}`);
  return xs;
}

async function sweep(flags: Record<string, string>): Promise<number> {
  const known = ['run', 'orders', 'weights', 'bonuses', 'beamSize', 'subset'];
  for (const k of Object.keys(flags)) if (!known.includes(k)) throw new PipelineConfigError(`--${k}: unknown lm-sweep flag; known: ${known.join(', ')}`);
  if (!flags.run) throw new PipelineConfigError('lm-sweep: --run=runs/<name> (a finished run) is required');
  const subset = flags.subset ?? 'dev';
  if (subset !== 'dev' && subset !== 'test') throw new PipelineConfigError(`--subset=${subset}: use dev or test`);
  const [beamSize] = numbers(flags, 'beamSize', String(LM_DECODING_DEFAULTS.beamSize), (x) => Number.isInteger(x) && x >= 1, 'one integer >= 1');
  const { greedy, rows, file } = await lmSweep({
    run: flags.run,
    orders: numbers(flags, 'orders', String(LM_DECODING_DEFAULTS.lmOrder), (x) => Number.isInteger(x) && x >= 2 && x <= 12, 'integers in [2, 12]'),
    weights: numbers(flags, 'weights', '0.5,0.8,1.2', (x) => x >= 0, 'numbers >= 0'),
    bonuses: numbers(flags, 'bonuses', '0.5,1.5,2.5', () => true, 'numbers'),
    beamSize, subset, log: (l) => process.stderr.write(`${l}\n`),
  });
  const keys = Object.keys(greedy);
  const pct = ([w, c]: [number | null, number | null]) => (w === null || c === null ? 'n/a' : `${(100 * w).toFixed(2)} / ${(100 * c).toFixed(2)}`);
  const table = [
    ['order', 'weight', 'bonus', 'beam', ...keys.map((k) => `${k} WER / CER %`)],
    ['greedy', '', '', '', ...keys.map((k) => pct(greedy[k]))],
    ...rows.map((r) => [String(r.order), String(r.weight), String(r.bonus), String(r.beamSize), ...keys.map((k) => pct(r.scores[k]))]),
  ];
  process.stdout.write(`\n${formatTextTable(table)}\n\nsweep: ${file}\n`);
  return 0;
}

// A stage worker process (spawned by --jobs=N with an IPC channel) exits when the job's process dies.
exitWithParent();
// One message and a non-zero exit code for every error; a stack trace only with --debug or SPEECHKD_DEBUG=1
// (the worker processes inherit it).
runCli('speechkd', main, { usage: USAGE });
