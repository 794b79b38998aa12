/**
 * @speechkd/safe-io: output paths checked up front, atomic file and folder writes, and the one
 * command-line error convention of every speechkd tool. Every export is documented where it is defined.
 */

// Output paths: typed errors with the cause in plain words, checks without side effects, creation.
export { OutputPathError, describeWriteError, diagnoseFolder, errnoCode, nearestExisting, ERRNO_WORDS } from './output-path-error.js';
export type { OutputProblem } from './output-path-error.js';
export { checkOutputDir, checkOutputFile, prepareOutputDir, prepareOutputFile, makeDirs, freeBytes } from './output-path.js';
export type { OutputPathOptions } from './output-path.js';

// Atomic writes: temp name, then rename; the temp file is removed on every failure.
export { AtomicFile, writeFileAtomic, writeJsonAtomic, tempPathFor, removeStaleTemps, TEMP_NAME_PATTERN } from './atomic-file.js';
export type { AtomicWriteOptions } from './atomic-file.js';
export { writeDirAtomic, writeDirAtomicSync, replaceDir } from './atomic-dir.js';
export type { AtomicDirOptions } from './atomic-dir.js';

// The CLI convention: typed errors, exit codes, one message, stack traces only with --debug.
export { UsageError, SettingsError, classifyError, EXIT_CODES } from './cli-errors.js';
export type { SettingProblem, ErrorReport } from './cli-errors.js';
export { runMain, runCli, debugEnabled, DEBUG_ENV } from './run-cli.js';
export type { RunCliOptions } from './run-cli.js';
export { SettingsCheck } from './settings-check.js';
export type { NumberRange, NumberSpec } from './settings-check.js';

// Folder locks: one writer per folder (a training run), dead holders' locks taken over.
export { lockDir, DirLockedError } from './dir-lock.js';
export type { DirLock, LockDirOptions, LockHolder } from './dir-lock.js';
export { exitWithParent } from './exit-with-parent.js';
