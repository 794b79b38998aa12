/** Error for a model folder that cannot be read or is not valid; the message names the folder or file. */
export class ModelFolderError extends Error {
  override name = 'ModelFolderError';
}
