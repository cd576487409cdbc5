import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../project-root.js';

export interface AslValidationResult {
  readonly isValid: boolean;
  errorsText(separator?: string): string;
}
type AslValidator = (definition: unknown, options?: { checkPaths?: boolean; checkArn?: boolean }) => AslValidationResult;

const require = createRequire(import.meta.url);
// asl-validator is CommonJS without type declarations.
const validateAsl = require('asl-validator') as AslValidator;
const validatorVersion = (require('asl-validator/package.json') as { version: string }).version;

/**
 * Definitions asl-validator has accepted, by SHA-256 of the validator's version and the definition's text. It builds
 * and compiles its JSON schemas anew on every call (about 150 ms of CPU), and every local stack creates the same few
 * state machines: a definition accepted once is accepted again, so its verdict is kept. Refusals are never kept (their
 * message is computed each time).
 */
const ACCEPTED_DIR = join(PROJECT_ROOT, 'node_modules', '.cache', 'irdr', 'asl-accepted');

const ACCEPTED: AslValidationResult = { isValid: true, errorsText: () => '' };

/** asl-validator's verdict on ASL text (paths and ARNs checked), as CreateStateMachine gives it. */
export function validateAslText(text: string, parsed: unknown): AslValidationResult {
  const marker = join(ACCEPTED_DIR, createHash('sha256').update(`asl-validator@${validatorVersion}\n${text}`).digest('hex'));
  if (existsSync(marker)) return ACCEPTED;
  // asl-validator writes default fields into what it checks: give it a copy.
  const result = validateAsl(structuredClone(parsed), { checkPaths: true, checkArn: true });
  if (result.isValid) rememberAccepted(marker);
  return result;
}

function rememberAccepted(marker: string): void {
  try {
    mkdirSync(ACCEPTED_DIR, { recursive: true });
    // Written whole, then renamed: a stack starting beside this one never sees half a marker.
    const temporary = `${marker}.${randomUUID()}.tmp`;
    writeFileSync(temporary, '');
    renameSync(temporary, marker);
  } catch {
    // A read-only install still validates, only without the memory.
  }
}
