import { ModelFolderError } from './model-folder-error.js';

/** Where a model folder's files come from: a directory (Node), a URL (browser), files a user picked. */
export interface ModelSource {
  /** The folder as a user would name it (a path or URL), for messages. */
  readonly label: string;
  /** The bytes of a file inside the folder (`onnx/model.onnx`); fails with a ModelFolderError naming it. */
  read(file: string): Promise<Uint8Array>;
}

/** Reads a UTF-8 JSON file of a source; errors name the file. */
export async function readJson(source: ModelSource, file: string): Promise<unknown> {
  const bytes = await source.read(file);
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch (err) {
    throw new ModelFolderError(`${source.label}/${file}: not valid JSON (${(err as Error).message})`);
  }
}
