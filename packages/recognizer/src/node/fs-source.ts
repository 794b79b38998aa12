import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ModelFolderError } from '../folder/model-folder-error.js';
import type { ModelSource } from '../folder/model-source.js';

/** A model folder on disk. */
export function directorySource(dir: string): ModelSource {
  return {
    label: dir,
    async read(file: string): Promise<Uint8Array> {
      try {
        return await readFile(path.join(dir, file));
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
        const hint = file === 'recognizer.json' ? '; pass a model folder (a training run\'s final/ or a folder written by speechkd-train export)' : '';
        throw new ModelFolderError(`${path.join(dir, file)}: cannot read (${code})${hint}`);
      }
    },
  };
}
