import { assertInt, assertPositive } from '../assert.js';

/** A temperature as a function of the training step (0-based). */
export type TemperatureSchedule = (step: number) => number;

/** Always `temperature`. */
export function constantTemperature(temperature: number): TemperatureSchedule {
  assertPositive('constantTemperature', 'temperature', temperature);
  return () => temperature;
}

/** Options for the annealing schedules. */
export interface AnnealOptions {
  /** Temperature at step 0. */
  from: number;
  /** Temperature from `steps` on. */
  to: number;
  /** Length of the anneal in steps (>= 1). */
  steps: number;
}

function checkAnneal(op: string, o: AnnealOptions): void {
  assertPositive(op, 'from', o.from);
  assertPositive(op, 'to', o.to);
  assertInt(op, 'steps', o.steps, 1);
}

/** Linear anneal from `from` to `to` over `steps`, constant afterwards. */
export function linearTemperature(options: AnnealOptions): TemperatureSchedule {
  checkAnneal('linearTemperature', options);
  const { from, to, steps } = options;
  return (step) => from + (to - from) * Math.min(Math.max(step, 0) / steps, 1);
}

/** Cosine anneal from `from` to `to` over `steps` (slow start and end), constant afterwards. */
export function cosineTemperature(options: AnnealOptions): TemperatureSchedule {
  checkAnneal('cosineTemperature', options);
  const { from, to, steps } = options;
  return (step) => to + (from - to) * 0.5 * (1 + Math.cos(Math.PI * Math.min(Math.max(step, 0) / steps, 1)));
}
