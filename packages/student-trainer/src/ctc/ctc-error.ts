/** Error for invalid arguments to the CTC loss and decoders; the message names the op and the argument. */
export class CtcError extends Error {
  override name = 'CtcError';
}
