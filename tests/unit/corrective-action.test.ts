import { describe, expect, it } from 'vitest';
import { IrdrConfig } from '../../functions/domain/config-schema.js';
import {
  CloseActionRequest,
  CorrectiveActionRequest,
  CORRECTIVE_ACTION_RULE,
  actionClosedEvent,
  actionCreatedEvent,
  actionReminderEvent,
  actionState,
  closeRefusal,
  dueInstant,
  newCorrectiveAction,
  noActionReasonOf,
  reminderTime,
  reviewCompletionBlocker,
  type CorrectiveActionRecord,
} from '../../functions/domain/corrective-action.js';
import { actionReminderExecutionName } from '../../functions/domain/corrective-action-reminder.js';
import { actionsFromTrail, reviewFindingsFromTrail } from '../../functions/domain/corrective-action-trail.js';
import { correctiveActionsCsv, exportedActions } from '../../functions/domain/corrective-action-export.js';
import { actingIdentity } from '../../functions/domain/evidence/separation-of-duties.js';
import { refusedPathParameter } from '../../functions/domain/path-parameters.js';
import { reviewDraftMarkdown } from '../../functions/domain/incident-review.js';
import { exportIncident } from '../../functions/domain/evidence/exported-trail.js';
import type { Incident } from '../../functions/domain/incident.js';
import type { TrailEventBody } from '../../functions/domain/trail-event.js';

const config = IrdrConfig.parse({
  mail: { from: 'irdr@example.com' },
  roles: {
    responder: { people: [{ name: 'Rita Okafor', email: 'rita@example.com' }] },
    commander: { emails: ['commanders@example.com'], people: [{ name: 'Carl Jensen', email: 'carl@example.com' }] },
    approver: { emails: ['leads@example.com'] },
    auditor: { emails: ['audit@example.com'] },
  },
});
const NOW = new Date('2026-12-07T10:00:00.000Z');
const RITA = 'arn:aws:iam::000000000000:user/rita-responder';
const CARL = 'arn:aws:iam::000000000000:user/carl-commander';
const incident = { incidentId: 'inc-1', title: 'Keys leaked', severity: 'SEV2', mode: 'live', status: 'resolved' } as const;

const request = (overrides: Record<string, unknown> = {}) =>
  CorrectiveActionRequest.parse({ title: 'Enforce MFA on the break-glass role', owner: 'rita@example.com', ownerPrincipal: RITA, dueAt: '2026-12-21', ...overrides });
const create = (overrides: Record<string, unknown> = {}, now = NOW) =>
  newCorrectiveAction(incident, request(overrides), { actionId: 'ca-0000abcd', actor: CARL, now, config });
const created = (): CorrectiveActionRecord => {
  const result = create();
  if (!result.ok) throw new Error(result.message);
  return result.action;
};
const same = (a: string, b: string) => actingIdentity(a) === actingIdentity(b);

describe('corrective actions: recording one', () => {
  it('records owner (a configured person), due date (end of the day UTC), its incident and a reminder three days before', () => {
    expect(created()).toEqual({
      actionId: 'ca-0000abcd',
      incidentId: 'inc-1',
      title: 'Enforce MFA on the break-glass role',
      owner: { email: 'rita@example.com', name: 'Rita Okafor', principal: RITA },
      dueAt: '2026-12-21T23:59:59.000Z',
      remindAt: '2026-12-18T23:59:59.000Z',
      status: 'open',
      createdAt: NOW.toISOString(),
      createdBy: CARL,
    });
  });

  it('reminds halfway when the action falls due sooner than twice the lead', () => {
    expect(reminderTime(NOW, new Date('2026-12-09T10:00:00.000Z')).toISOString()).toBe('2026-12-08T10:00:00.000Z');
  });

  it('refuses a due date in the past, today already gone, or more than 180 days away, saying what to give', () => {
    const past = create({ dueAt: '2026-12-01' });
    expect(past).toMatchObject({ ok: false, status: 400 });
    expect(!past.ok && past.message).toMatch(/in the past: give a date after 2026-12-07/);
    expect(create({ dueAt: '2026-12-07T09:59:59Z' })).toMatchObject({ ok: false, status: 400 });
    const far = create({ dueAt: '2027-12-01' });
    expect(!far.ok && far.message).toMatch(/more than 180 days away/);
  });

  it('refuses impossible dates rather than rolling them over', () => {
    for (const dueAt of ['2026-02-30', '2026-13-01', '2026-12-32', 'tomorrow', '21/12/2026', '2026-12-21T25:00:00Z', '2026-12-21T10:00:00']) {
      expect(dueInstant(dueAt), dueAt).toBeUndefined();
      expect(CorrectiveActionRequest.safeParse({ title: 't', owner: 'rita@example.com', dueAt }).success, dueAt).toBe(false);
    }
    expect(dueInstant('2028-02-29')?.toISOString()).toBe('2028-02-29T23:59:59.000Z');
    expect(dueInstant('2026-12-21T17:00:00+01:00')?.toISOString()).toBe('2026-12-21T16:00:00.000Z');
  });

  it('refuses an owner who is not one of the configured people (a list address included)', () => {
    for (const owner of ['mallory@example.com', 'commanders@example.com']) {
      const refused = create({ owner });
      expect(!refused.ok && refused.message, owner).toMatch(/not one of the configured people/);
    }
    expect(create({ owner: 'CARL@example.com' })).toMatchObject({ ok: true, action: { owner: { email: 'carl@example.com', name: 'Carl Jensen' } } });
  });

  it('refuses a multi-line or 3,000-character title, unknown fields, and an ownerPrincipal that is not an IAM ARN', () => {
    const base = { owner: 'rita@example.com', dueAt: '2026-12-21' };
    expect(CorrectiveActionRequest.safeParse({ ...base, title: 'a\nb' }).success).toBe(false);
    expect(CorrectiveActionRequest.safeParse({ ...base, title: 'x'.repeat(3000) }).success).toBe(false);
    expect(CorrectiveActionRequest.safeParse({ ...base, title: 't', status: 'closed' }).success).toBe(false);
    expect(CorrectiveActionRequest.safeParse({ ...base, title: 't', ownerPrincipal: 'email:rita@example.com' }).success).toBe(false);
  });

  it('takes as an action id only ca- and 8 hex digits in the path (3,000 characters is a 404 saying what an id is)', () => {
    expect(refusedPathParameter({ incidentId: 'inc-1', actionId: 'ca-0000abcd' })).toBeUndefined();
    expect(refusedPathParameter({ incidentId: 'inc-1', actionId: 'x'.repeat(3000) })?.message).toMatch(/no corrective action can have the id "x{40}…" \(3000 characters\): a corrective action id is ca- and 8 hex digits/);
    expect(refusedPathParameter({ incidentId: 'inc-1', actionId: 'ca-0000ABCD\n' })).toBeDefined();
  });

  it('names execution names under Step Functions\' 80 characters, one per action', () => {
    const long = 'a'.repeat(64);
    expect(actionReminderExecutionName(long, 'ca-0000abcd').length).toBeLessThanOrEqual(80);
    expect(actionReminderExecutionName(long, 'ca-0000abcd')).not.toBe(actionReminderExecutionName(long, 'ca-0000abce'));
  });
});

describe('corrective actions: closing one', () => {
  it('lets its owner (by the principal given, any session of the same identity) and a commander close it', () => {
    expect(closeRefusal(created(), { arn: RITA, roles: ['responder'] }, same)).toBeUndefined();
    expect(closeRefusal(created(), { arn: 'arn:aws:iam::000000000000:user/Rita-Responder/', roles: ['responder'] }, same)).toBeUndefined();
    expect(closeRefusal(created(), { arn: CARL, roles: ['commander'] }, same)).toBeUndefined();
  });

  it('refuses anyone else with 403 naming the owner and the role commander', () => {
    const refused = closeRefusal(created(), { arn: 'arn:aws:iam::000000000000:user/ada-approver', roles: ['approver', 'responder'] }, same);
    expect(refused).toEqual({
      ok: false,
      status: 403,
      message: `closing corrective action ca-0000abcd needs its owner (${RITA}) or the role commander; arn:aws:iam::000000000000:user/ada-approver is neither`,
    });
  });

  it('refuses the owner\'s address as a principal: an owner without ownerPrincipal is closed by a commander', () => {
    const result = create({ ownerPrincipal: undefined });
    if (!result.ok) throw new Error(result.message);
    expect(closeRefusal(result.action, { arn: RITA, roles: ['responder'] }, same)?.status).toBe(403);
  });

  it('refuses closing a closed action with 409, whoever asks', () => {
    const closed: CorrectiveActionRecord = { ...created(), status: 'closed', closedAt: '2026-12-10T00:00:00.000Z', closedBy: RITA };
    expect(closeRefusal(closed, { arn: CARL, roles: ['commander'] }, same)).toMatchObject({ status: 409, message: expect.stringMatching(/closed already \(by .*rita-responder at 2026-12-10/) });
  });

  it('needs evidence: a note or an https link; javascript: and http: links are refused', () => {
    expect(CloseActionRequest.safeParse({}).success).toBe(false);
    expect(CloseActionRequest.safeParse({ note: '   ' }).success).toBe(false);
    expect(CloseActionRequest.safeParse({ link: 'javascript:alert(1)' }).success).toBe(false);
    expect(CloseActionRequest.safeParse({ link: 'http://tickets.example.com/1' }).success).toBe(false);
    expect(CloseActionRequest.safeParse({ link: 'https://tickets.example.com/SEC-12' }).success).toBe(true);
    expect(CloseActionRequest.safeParse({ note: 'MFA enforced by SCP p-123' }).success).toBe(true);
  });
});

describe('corrective actions: the review completes only with an action or a reason for none', () => {
  it('blocks a SEV1/SEV2 review without either, naming the rule and both ways out', () => {
    for (const severity of ['SEV1', 'SEV2'] as const) {
      const blocker = reviewCompletionBlocker({ incidentId: 'inc-1', severity }, 0, undefined);
      expect(blocker).toContain(CORRECTIVE_ACTION_RULE);
      expect(blocker).toContain('POST /incidents/inc-1/actions');
      expect(blocker).toContain('noCorrectiveActionReason');
    }
    expect(reviewCompletionBlocker({ incidentId: 'inc-1', severity: 'SEV2' }, 1, undefined)).toBeUndefined();
    expect(reviewCompletionBlocker({ incidentId: 'inc-1', severity: 'SEV1' }, 0, 'an upstream bug; vendor fixed it')).toBeUndefined();
    expect(reviewCompletionBlocker({ incidentId: 'inc-1', severity: 'SEV3' }, 0, undefined)).toBeUndefined();
  });

  it('reads the reason from the latest review record only (a later record without one takes it back)', () => {
    const recorded = (detail: Record<string, unknown>): TrailEventBody => ({ type: 'review.recorded', at: NOW.toISOString(), actor: CARL, detail });
    expect(noActionReasonOf([recorded({ rootCause: 'x', noCorrectiveActionReason: 'vendor bug' })])).toBe('vendor bug');
    expect(noActionReasonOf([recorded({ rootCause: 'x', noCorrectiveActionReason: 'vendor bug' }), recorded({ rootCause: 'y' })])).toBeUndefined();
    // A note or any other event saying so is not a review record.
    expect(noActionReasonOf([{ type: 'note.added', detail: { noCorrectiveActionReason: 'sneaky' } }])).toBeUndefined();
  });
});

describe('corrective actions in the trail, the review draft and the export', () => {
  const action = created();
  const trail: TrailEventBody[] = [
    actionCreatedEvent(action),
    actionCreatedEvent({ ...action, actionId: 'ca-0000beef', title: '=HYPERLINK("https://evil.example")', dueAt: '2026-12-09T00:00:00.000Z' }),
    actionReminderEvent(action, 'due-soon', '2026-12-18T23:59:59.000Z', 'states:x', []),
    actionClosedEvent(action, '2026-12-23T09:00:00.000Z', RITA, { link: 'https://tickets.example.com/SEC-12' }),
    { type: 'review.recorded', at: '2026-12-08T00:00:00.000Z', actor: CARL, detail: { rootCause: 'A long-lived key in CI', wentWell: 'Paged in 4 minutes', wentBadly: 'No MFA on break-glass' } },
  ];

  it('tells each action\'s state: closed late with its evidence, and overdue when open past due', () => {
    const actions = actionsFromTrail(incident, trail, new Date('2026-12-24T00:00:00.000Z'));
    expect(actions.map((tracked) => [tracked.actionId, tracked.state, tracked.closedLate])).toEqual([
      ['ca-0000abcd', 'closed', true],
      ['ca-0000beef', 'overdue', undefined],
    ]);
    expect(actions[0]).toMatchObject({ owner: 'rita@example.com', remindedAt: '2026-12-18T23:59:59.000Z', closedBy: RITA, evidenceLink: 'https://tickets.example.com/SEC-12' });
  });

  it('takes an action its reminder recorded overdue as overdue, and its closing as late, whatever the clock says', () => {
    const overdue = [actionCreatedEvent(action), actionReminderEvent(action, 'overdue', '2026-12-08T00:00:00.000Z', 'states:x', ['carl@example.com'])];
    expect(actionsFromTrail(incident, overdue, NOW)[0]?.state).toBe('overdue');
    expect(actionState({ ...action, overdueAt: '2026-12-08T00:00:00.000Z' }, NOW)).toBe('overdue');
    expect(actionState(action, NOW)).toBe('open');
    expect(actionClosedEvent({ ...action, overdueAt: '2026-12-08T00:00:00.000Z' }, NOW.toISOString(), RITA, { note: 'x' }).detail).toMatchObject({ late: true });
    expect(actionClosedEvent(action, NOW.toISOString(), RITA, { note: 'x' }).detail).toMatchObject({ late: false });
  });

  it('ignores an action.closed for an action the trail never created', () => {
    const stray = actionClosedEvent({ ...action, actionId: 'ca-99999999' }, '2026-12-10T00:00:00.000Z', RITA, { note: 'x' });
    expect(actionsFromTrail(incident, [stray], NOW)).toEqual([]);
  });

  it('writes the draft\'s lessons from the review record and lists the actions with owner, due date and state', () => {
    const draft = reviewDraftMarkdown({ incident: incident as unknown as Incident, events: trail, tasks: [], clocks: [], now: new Date('2026-12-24T00:00:00.000Z') });
    expect(draft).toContain('- Root cause: A long-lived key in CI');
    expect(draft).toContain('- What did not: No MFA on break-glass');
    expect(draft).toContain('| ca-0000abcd | Enforce MFA on the break-glass role | rita@example.com | 2026-12-21T23:59:59.000Z | closed | https://tickets.example.com/SEC-12 |');
    expect(reviewFindingsFromTrail(trail)?.recordedBy).toBe(CARL);
  });

  it('lists every action in corrective-actions.csv, with formulas defused', () => {
    const exported = exportedActions([exportIncident(incident as unknown as Incident, 'INC#inc-1', trail.map((event, index) => ({ sortKey: `EVT#${index}`, event: event as unknown as Record<string, unknown> })))], '2026-12-24T00:00:00.000Z');
    const csv = correctiveActionsCsv(exported);
    const lines = csv.trim().split('\r\n');
    expect(lines[0]).toBe('incidentId,incidentTitle,severity,mode,actionId,title,owner,dueAt,state,createdAt,createdBy,remindedAt,overdueAt,closedAt,closedBy,closedLate,evidenceNote,evidenceLink,controls');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toContain(`"'=HYPERLINK(""https://evil.example"")"`);
    expect(lines[2]).toContain(',overdue,');
  });
});
