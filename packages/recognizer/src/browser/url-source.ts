import { ModelFolderError } from '../folder/model-folder-error.js';
import type { ModelSource } from '../folder/model-source.js';

/** A model folder served over HTTP at `baseUrl` (e.g. `/model/`). */
export function urlSource(baseUrl: string): ModelSource {
  const base = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
  return {
    label: base.replace(/\/$/, ''),
    async read(file: string): Promise<Uint8Array> {
      let res: Response;
      try {
        res = await fetch(new URL(file, new URL(base, globalThis.location?.href)));
      } catch (err) {
        throw new ModelFolderError(`${base}${file}: cannot fetch (${(err as Error).message})`);
      }
      if (!res.ok) throw new ModelFolderError(`${base}${file}: HTTP ${res.status} ${res.statusText}`);
      return new Uint8Array(await res.arrayBuffer());
    },
  };
}

/**
 * A model folder a user picked (`<input type="file" webkitdirectory>` or dropped files): files are matched by
 * their path below the picked folder (`webkitRelativePath` without its first segment), or by name.
 */
export function filesSource(files: Iterable<File>, label = 'picked folder'): ModelSource {
  const byPath = new Map<string, File>();
  for (const f of files) {
    const rel = f.webkitRelativePath ? f.webkitRelativePath.split('/').slice(1).join('/') : f.name;
    byPath.set(rel, f);
  }
  return {
    label,
    async read(file: string): Promise<Uint8Array> {
      const f = byPath.get(file);
      if (!f) throw new ModelFolderError(`${label}: has no ${file} (pick the model folder itself, the one holding recognizer.json)`);
      return new Uint8Array(await f.arrayBuffer());
    },
  };
}
