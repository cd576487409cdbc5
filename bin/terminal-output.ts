import { printable } from '../functions/domain/plain-text.js';

/*
 * Every line the CLI prints goes through here: what came from data (a title, a note, a finding, an error message)
 * is shown, never acted on by the terminal (an ESC sequence cannot recolour or erase lines, CR cannot overwrite one,
 * a bidi override cannot reorder it): each such character prints as `\u001b`.
 */

/** A line on stdout. A line break inside it came from data, so it is shown, not followed. */
export const say = (line: string): void => console.log(printable(line));

/** A line on stderr (refusals, failures, hints). */
export const complain = (line: string): void => console.error(printable(line));

/** A value as indented JSON: JSON already escapes C0 controls; C1 controls and bidi overrides are escaped the same way, so it stays JSON. */
export const sayJson = (value: unknown): void => console.log(printable(JSON.stringify(value, null, 2), { multiLine: true }));

/** A text of many lines (a Markdown draft): its line breaks and tabs kept, every other control shown. */
export const sayText = (text: string): void => {
  const shown = printable(text, { multiLine: true });
  process.stdout.write(shown.endsWith('\n') ? shown : `${shown}\n`);
};
