import * as z from './zod.js';

/*
 * Text people send is plain text: no control characters (NUL, ESC and its ANSI sequences, C1 controls, DEL) and no
 * bidi overrides or isolates, which can rewrite a terminal line, split an email header (CR/LF) or show text in an
 * order other than the one stored. Single-line fields (titles, names, labels, ids) take no line break either;
 * multi-line fields (summaries, notes, comments) take line feeds (CRLF too) and tabs. What is printed from data
 * anyway (records stored before, findings) goes through `printable`.
 */

/** U+202A–U+202E (embeddings, overrides) and U+2066–U+2069 (isolates): they reorder what follows them. */
const BIDI_CONTROLS = '\\u202a-\\u202e\\u2066-\\u2069';
/** C0 controls, DEL, C1 controls, line and paragraph separators, bidi controls. */
const SINGLE_LINE_REFUSED = /* @__PURE__ */ new RegExp(`[\\u0000-\\u001f\\u007f-\\u009f\\u2028\\u2029${BIDI_CONTROLS}]`, 'u');
/** As single-line, less tab, line feed and a carriage return that ends a line (CRLF). */
const MULTI_LINE_REFUSED = /* @__PURE__ */ new RegExp(`[\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f\\u2028\\u2029${BIDI_CONTROLS}]|\\r(?!\\n)`, 'u');

const codePoint = (character: string): string => `U+${character.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

/** Why `text` is not plain text of its kind (the first offending character and where), or undefined when it is. */
export function plainTextProblem(text: string, kind: 'single-line' | 'multi-line'): string | undefined {
  const match = (kind === 'single-line' ? SINGLE_LINE_REFUSED : MULTI_LINE_REFUSED).exec(text);
  if (!match) return undefined;
  const allowed = kind === 'single-line' ? 'one line of plain text' : 'plain text (line breaks and tabs are fine)';
  const what = /[\r\n\u2028\u2029]/.test(match[0]) ? 'a line break' : new RegExp(`[${BIDI_CONTROLS}]`).test(match[0]) ? 'a bidi control' : 'a control character';
  return `remove ${what} (${codePoint(match[0])}) at character ${match.index + 1}: this field takes ${allowed}`;
}

// Marked (as the patterns above) so a bundle that never checks plain text drops them: esbuild keeps any unmarked call.
const refinedAs = /* @__NO_SIDE_EFFECTS__ */ (kind: 'single-line' | 'multi-line') => (text: string, context: z.core.$RefinementCtx<string>) => {
  const problem = plainTextProblem(text, kind);
  if (problem) context.addIssue({ code: 'custom', message: problem });
};

/** A single-line field's refinement: `z.string().max(200).check(singleLine)` refuses line breaks and controls. */
export const singleLine = z.superRefine(refinedAs('single-line'));
/** A multi-line field's refinement: line feeds and tabs pass, other controls and bidi overrides do not. */
export const multiLine = z.superRefine(refinedAs('multi-line'));

/** Every character a terminal would act on rather than show, except those `keep` names. */
const UNPRINTABLE = /* @__PURE__ */ new RegExp(`[\\u0000-\\u001f\\u007f-\\u009f\\u061c\\u200e\\u200f\\u2028\\u2029${BIDI_CONTROLS}\\ufeff]`, 'gu');

/**
 * Text from data, safe to print on a terminal: each control, bidi control and separator shown as `\u001b` instead
 * of acted on. `multiLine` keeps line feeds and tabs (a summary's own lines).
 */
export function printable(text: string, options: { multiLine?: boolean } = {}): string {
  return text.replace(UNPRINTABLE, (character) =>
    options.multiLine && (character === '\n' || character === '\t') ? character : `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** Line breaks (CR, LF, NEL, U+2028/9) and every other control or bidi control, as a header's one line must not hold them. */
const NOT_IN_A_HEADER = /* @__PURE__ */ new RegExp(`[\\u0000-\\u001f\\u007f-\\u009f\\u2028\\u2029${BIDI_CONTROLS}]+`, 'gu');

/** One line for an email header (a subject): whatever breaks or controls the text holds become one space, so no text can start a header of its own. */
export function headerLine(text: string): string {
  return text.replace(NOT_IN_A_HEADER, ' ');
}
