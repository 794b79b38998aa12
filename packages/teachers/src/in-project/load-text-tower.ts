import { loadTextTower } from '@speechkd/text-encoders';
import { initBackend } from '@speechkd/tensor-backend';
import type { CacheTextTeacher } from '../speech-teacher.js';
import { textTeacherForCache } from '../text-adapter.js';

/** Loads the in-project tfjs mini-BERT text tower checkpoint (`speechkd-text-tower` format) for the cache. */
export async function loadInProjectTextTeacher(dir: string): Promise<CacheTextTeacher> {
  await initBackend();
  return textTeacherForCache(await loadTextTower(dir));
}
