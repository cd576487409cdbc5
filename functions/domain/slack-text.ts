/*
 * Text that goes into Slack mrkdwn. Slack asks apps to escape exactly three characters
 * (https://api.slack.com/reference/surfaces/formatting#escaping): `&`, `<`, `>`. Escaped, a hostile title such as
 * `<!channel>` or `<https://evil|click>` shows as typed: it pings nobody and links nowhere.
 */

/** Escapes `&`, `<` and `>` for mrkdwn and plain_text alike (the `&` first, so nothing is escaped twice). */
export function escapeSlackText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Escaped and at most `max` characters long (Block Kit limits text fields), ending in an ellipsis when cut; never splits an entity. */
export function slackText(text: string, max: number): string {
  // Control characters (a title's newlines and worse) become spaces: one line stays one line.
  const flat = text.replace(/[\u0000-\u001f\u007f]/g, ' ');
  const whole = escapeSlackText(flat);
  if (whole.length <= max) return whole;
  let cut = '';
  for (const character of flat) {
    const escaped = escapeSlackText(character);
    if (cut.length + escaped.length > max - 1) break;
    cut += escaped;
  }
  return `${cut}…`;
}
