/** Error raised for invalid arguments to an alignment op; the message names the op and the argument. */
export class AlignmentError extends Error {
  override name = 'AlignmentError';
  /** The op that rejected its input, e.g. `kdLoss`. */
  readonly op: string;
  /** The offending argument, e.g. `teacherLogits`. */
  readonly arg: string;

  constructor(op: string, arg: string, problem: string) {
    super(`${op}: argument '${arg}' ${problem}`);
    this.op = op;
    this.arg = arg;
  }
}
