import { expect } from 'vitest';
import { OutputPathError } from '../src/output-path-error.js';

/** The `OutputPathError` that `fn` throws (the test fails when it throws nothing or something else). */
export function thrownOutputError(fn: () => unknown): OutputPathError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(OutputPathError);
    return err as OutputPathError;
  }
  throw new Error('expected an OutputPathError');
}
