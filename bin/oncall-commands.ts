import { readFile } from 'node:fs/promises';
import { IrdrConfig, RoleName, roleNames } from '../functions/domain/config-schema.js';
import { pagedPeople, type OnCallRecord } from '../functions/domain/on-call/paged-people.js';
import { describeIssues } from '../functions/domain/schema-issues.js';
import { UsageError } from './usage-error.js';

/** The deployment's config, or a file to check before deploying it: refused, naming each problem, as at load. */
async function configFrom(file: string | undefined): Promise<IrdrConfig> {
  if (file === undefined) return (await import('../functions/config.js')).irdrConfig;
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`cannot read ${file} as JSON: ${(error as Error).message}`);
  }
  const parsed = IrdrConfig.safeParse(raw);
  if (!parsed.success) throw new UsageError(`${file} is not a valid irdr config: ${describeIssues(parsed.error)}`);
  return parsed.data;
}

/** What `irdr oncall who` prints: who is paged for the role at that instant, from where, and until when. */
export function describeOnCall(role: RoleName, config: IrdrConfig, at: Date): { lines: string[]; onCall?: OnCallRecord; people: string[] } {
  const { people, onCall } = pagedPeople(role, config, at);
  const named = people.map((person) => `${person.name} <${person.email}>`);
  const when = at.toISOString();
  if (!onCall) return { people: named, lines: [`${role} has no on-call schedule: a page at ${when} goes to every person of the role: ${named.join(', ') || '(none: its lists only)'}`] };
  if (onCall.from === 'nobody') return { people: named, onCall, lines: [`nobody is on call as ${role} at ${when} (a gap in its schedule): a page goes to every person of the role: ${named.join(', ')}`] };
  const source = onCall.from === 'override' ? `override ${onCall.override}${onCall.reason ? ` (${onCall.reason})` : ''}` : `layer "${onCall.layer}", shift ${onCall.shift}`;
  return {
    people: named,
    onCall,
    lines: [`${onCall.name} <${onCall.person}> is on call as ${role} at ${when}`, `  from ${source}, since ${onCall.since}, until ${onCall.until ?? 'no end'}`],
  };
}

export async function oncallWhoCommand(role: string, flags: { at?: string; config?: string; json?: boolean }): Promise<void> {
  const parsedRole = RoleName.safeParse(role);
  if (!parsedRole.success) throw new UsageError(`no role "${role}": name one of ${roleNames.join(', ')}`);
  const config = await configFrom(flags.config);
  const at = flags.at === undefined ? new Date() : new Date(flags.at);
  const answer = describeOnCall(parsedRole.data, config, at);
  if (flags.json) console.log(JSON.stringify({ role: parsedRole.data, at: at.toISOString(), paged: answer.people, ...(answer.onCall && { onCall: answer.onCall }) }, null, 2));
  else console.log(answer.lines.join('\n'));
}
