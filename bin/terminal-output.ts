import { format } from 'node:util';
import { printable } from '../functions/domain/plain-text.js';

type ConsoleLines = Pick<Console, 'log' | 'info' | 'warn' | 'error'>;

/**
 * Makes every line the CLI prints pass through printable(): what came from data (a title, a note, a finding, an error
 * message) is shown, never acted on by the terminal. An ESC sequence cannot recolour or erase lines, a CR cannot
 * overwrite one, a bidi override cannot reorder it, a C1 control cannot start a sequence: each prints as `\u001b`.
 * Line feeds and tabs stay (the CLI's own lines; the formatters fold a title's). Installed once where the CLI starts,
 * so no command, present or future, can print around it; JSON output stays JSON (the escapes are JSON's own).
 */
export function escapeConsoleOutput(target: ConsoleLines = console): void {
  for (const method of ['log', 'info', 'warn', 'error'] as const) {
    const print = target[method].bind(target);
    target[method] = (...parts: unknown[]) => print(printable(format(...parts), { multiLine: true }));
  }
}
