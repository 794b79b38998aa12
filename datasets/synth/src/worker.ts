// Worker process: renders the utterances the pool sends, one at a time, and reports durations or errors.
import type { PlannedUtterance } from './plan.js';
import { renderToFile } from './render.js';

/** Message from the pool to a worker. */
export interface WorkerJob {
  /** Job number (echoed back). */
  seq: number;
  /** Utterance to render. */
  utt: PlannedUtterance;
  /** Final audio path. */
  file: string;
}

/** Message from a worker to the pool. */
export interface WorkerReply {
  /** Job number. */
  seq: number;
  /** Duration in seconds when it succeeded. */
  duration?: number;
  /** Error message when it failed. */
  error?: string;
}

const send = process.send?.bind(process);
if (send) {
  process.on('message', async (job: WorkerJob) => {
    let reply: WorkerReply;
    try {
      reply = { seq: job.seq, duration: await renderToFile(job.utt, job.file) };
    } catch (err) {
      reply = { seq: job.seq, error: `${(err as Error).name}: ${(err as Error).message}` };
    }
    send(reply);
  });
  process.on('disconnect', () => process.exit(0));
}
