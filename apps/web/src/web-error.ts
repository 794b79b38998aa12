/** Error a user can cause (a bad flag, a missing model folder or browser); printed without a stack trace. */
export class WebError extends Error {
  override name = 'WebError';
}
