#!/usr/bin/env node
// Committed shim so npm links the command at install time, before dist/ is built.
import '../dist/cli.js';
