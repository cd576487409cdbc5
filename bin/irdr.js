#!/usr/bin/env node
// The `irdr` command: bin/irdr.ts from its bundle (rebuilt when a source changes: bin/launcher-bundle.js), on the Node that npm put first on PATH.
import { enableCompileCache } from 'node:module';
import { join } from 'node:path';

// V8's compiled code for the bundle's files, kept between starts (keyed by each file's content).
enableCompileCache(process.env['NODE_COMPILE_CACHE'] ?? join(import.meta.dirname, '..', 'node_modules', '.cache', 'irdr', 'compile-cache'));
const { runLauncherBundle } = await import('./launcher-bundle.js');
await runLauncherBundle();
