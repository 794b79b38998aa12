/** Error for invalid arguments to the decoders and the character LM; the message names the op and the argument. */
export class DecodeError extends Error {
  override name = 'DecodeError';
}
