#!/usr/bin/env node
// Committed shim so npm links the command at install time, before dist/ is built.
import { main } from '../dist/cli.js';

main(process.argv.slice(2)).then((code) => (process.exitCode = code));
