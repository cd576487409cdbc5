#!/usr/bin/env node
// The `irdr` command: runs the TypeScript CLI through tsx, on the Node that npm put first on PATH.
import { register } from 'tsx/esm/api';

register();
await import('./irdr.ts');
