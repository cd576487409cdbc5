import type { CorrectiveActionRecord } from '../functions/domain/corrective-action.js';
import { withApi, type OutputFlags } from './incident-commands.js';
import { apiPath } from './irdr-api-client.js';

/* `irdr incidents actions …` and `irdr incidents review-record`: a review's corrective actions and findings from a terminal. */

type ActionView = CorrectiveActionRecord & { readonly state: string };

const printJson = (value: unknown): void => console.log(JSON.stringify(value, null, 2));
const actionLine = (action: ActionView): string =>
  `${action.actionId}  ${action.state.padEnd(7)}  due ${action.dueAt}  ${action.owner.email}  ${action.title}` +
  (action.closedAt !== undefined ? `  (closed ${action.closedAt} by ${action.closedBy ?? '?'})` : '');

/** `irdr incidents actions list <id>`: GET /incidents/{id}/actions. */
export async function actionsListCommand(incidentId: string, flags: OutputFlags): Promise<void> {
  await withApi(flags, async (client) => {
    const answer = await client.json<{ actions: ActionView[] }>('GET', apiPath('incidents', incidentId, 'actions'));
    if (flags.json) printJson(answer);
    else if (answer.actions.length === 0) console.log(`incident ${incidentId} has no corrective actions`);
    else for (const action of answer.actions) console.log(actionLine(action));
  });
}

/** `irdr incidents actions add <id> --title --owner --due [--owner-principal] [--detail]`: POST /incidents/{id}/actions. */
export async function actionsAddCommand(
  incidentId: string,
  flags: OutputFlags & { title: string; owner: string; due: string; ownerPrincipal?: string; detail?: string },
): Promise<void> {
  await withApi(flags, async (client) => {
    const body = { title: flags.title, owner: flags.owner, dueAt: flags.due, ...(flags.ownerPrincipal !== undefined && { ownerPrincipal: flags.ownerPrincipal }), ...(flags.detail !== undefined && { detail: flags.detail }) };
    const answer = await client.json<{ action: ActionView }>('POST', apiPath('incidents', incidentId, 'actions'), { body });
    if (flags.json) printJson(answer);
    else console.log(`corrective action ${answer.action.actionId} added: ${answer.action.owner.email} reminded ${answer.action.remindAt}, due ${answer.action.dueAt}`);
  });
}

/** `irdr incidents actions close <id> <actionId> --note | --link`: POST /incidents/{id}/actions/{actionId}/close. */
export async function actionsCloseCommand(incidentId: string, actionId: string, flags: OutputFlags & { note?: string; link?: string }): Promise<void> {
  await withApi(flags, async (client) => {
    const body = { ...(flags.note !== undefined && { note: flags.note }), ...(flags.link !== undefined && { link: flags.link }) };
    const answer = await client.json<{ action: ActionView }>('POST', apiPath('incidents', incidentId, 'actions', actionId, 'close'), { body });
    if (flags.json) printJson(answer);
    else console.log(`corrective action ${answer.action.actionId} closed at ${answer.action.closedAt ?? '?'}`);
  });
}

/** `irdr incidents review-record <id> --root-cause …`: POST /incidents/{id}/review. */
export async function reviewRecordCommand(
  incidentId: string,
  flags: OutputFlags & { rootCause: string; wentWell?: string; wentBadly?: string; noneBecause?: string },
): Promise<void> {
  await withApi(flags, async (client) => {
    const body = {
      rootCause: flags.rootCause,
      ...(flags.wentWell !== undefined && { wentWell: flags.wentWell }),
      ...(flags.wentBadly !== undefined && { wentBadly: flags.wentBadly }),
      ...(flags.noneBecause !== undefined && { noCorrectiveActionReason: flags.noneBecause }),
    };
    const answer = await client.json<{ event: { seq: number } }>('POST', apiPath('incidents', incidentId, 'review'), { body });
    if (flags.json) printJson(answer);
    else console.log(`review recorded on incident ${incidentId}: event ${answer.event.seq}`);
  });
}
