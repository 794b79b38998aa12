export type { Recognizer } from './recognizer.js';
