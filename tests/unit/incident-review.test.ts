import { reviewDueAt } from '../../functions/domain/review-due.js';
import { usFederalCalendar } from '../../functions/domain/business-calendars.js';
import { describe, expect, it } from 'vitest';
import type { ClockRecord } from '../../functions/domain/clock.js';
import { IrdrConfig } from '../../functions/domain/config-schema.js';
import type { PublicHumanTask } from '../../functions/domain/human-task.js';
import type { Incident } from '../../functions/domain/incident.js';
import {
  REVIEW_TASK_ID,
  defaultPostIncidentReviewConfig,
  reviewDraftMarkdown,
} from '../../functions/domain/incident-review.js';
import { reviewTask } from '../../functions/domain/review-task.js';
import { reviewEmail } from '../../functions/domain/incident-review-email.js';
import type { TrailEventBody } from '../../functions/domain/trail-event.js';

const incident: Incident = {
  incidentId: 'inc-42',
  runbookId: 'security-incident',
  runbookVersion: 1,
  runbookHash: 'a'.repeat(64),
  title: 'Exfiltration from billing | exports',
  severity: 'SEV1',
  summary: 'GuardDuty: Exfiltration:S3/AnomalousBehavior',
  mode: 'live',
  openedAt: '2026-11-19T10:00:00.000Z',
  openedBy: 'arn:aws:iam::000000000000:user/rita',
  status: 'resolved',
  runbookStatus: 'running',
  updatedAt: '2026-11-19T14:00:00.000Z',
  acknowledgedAt: '2026-11-19T10:12:00.000Z',
  acknowledgedBy: 'arn:aws:iam::000000000000:user/rita',
  mttaSeconds: 720,
  resolvedAt: '2026-11-19T14:30:00.000Z',
  resolvedBy: 'arn:aws:iam::000000000000:user/carl',
  mttrSeconds: 16_200,
  resolutionSummary: 'Keys rotated, bucket policy fixed',
};

const task = (overrides: Partial<PublicHumanTask>): PublicHumanTask => ({
  taskId: 't',
  stepId: 't',
  kind: 'task',
  title: 'T',
  outcomes: ['done'],
  status: 'open',
  level: 0,
  levelCount: 0,
  createdAt: '2026-11-19T10:00:00.000Z',
  updatedAt: '2026-11-19T10:00:00.000Z',
  levelStartedAt: '2026-11-19T10:00:00.000Z',
  levelSeconds: 600,
  notified: [],
  ...overrides,
});

const clock = (overrides: Partial<ClockRecord>): ClockRecord => ({
  clockId: 'c',
  incidentId: 'inc-42',
  executionArn: 'arn',
  title: 'C',
  kind: 'regulatory',
  status: 'running',
  updatedAt: '2026-11-19T10:00:00.000Z',
  ...overrides,
});

const events: TrailEventBody[] = [
  { type: 'incident.opened', at: '2026-11-19T10:00:00.000Z', actor: 'arn:aws:iam::000000000000:user/rita' },
  { type: 'task.completed', at: '2026-11-19T10:12:00.000Z', actor: 'arn:aws:iam::000000000000:user/rita', detail: { title: 'Acknowledge the incident', outcome: 'done', comment: 'on it\nnow' } },
  { type: 'incident.resolved', at: '2026-11-19T14:30:00.000Z', actor: 'arn:aws:iam::000000000000:user/carl' },
];

const draft = () =>
  reviewDraftMarkdown({
    incident,
    events,
    tasks: [
      task({
        taskId: 'acknowledge',
        title: 'Acknowledge the incident',
        status: 'completed',
        decision: { outcome: 'done', decidedBy: 'arn:aws:iam::000000000000:user/rita', comment: 'acknowledged through the incident', decidedAt: '2026-11-19T10:12:00.000Z', via: 'incident-acknowledgement' },
      }),
      task({
        taskId: 'sec-materiality',
        kind: 'approval',
        title: 'Determine materiality',
        status: 'completed',
        outcomes: ['approved', 'rejected'],
        decision: { outcome: 'rejected', decidedBy: 'email:legal@example.com', comment: 'not material | no customer data', decidedAt: '2026-11-19T12:00:00.000Z', via: 'email-link' },
      }),
      task({ taskId: 'contain', title: 'Contain the incident', status: 'expired', levelCount: 1, expiredAt: '2026-11-19T13:00:00.000Z' }),
      task({ taskId: 'eradicate', title: 'Eradicate the cause', assignee: 'responder' }),
      task({ taskId: 'recover', title: 'Recover the service', status: 'cancelled', cancelReason: 'the incident was resolved', cancelledAt: '2026-11-19T14:30:00.000Z' }),
      task({ taskId: REVIEW_TASK_ID, title: 'Hold the post-incident review', assignee: 'commander', dueAt: '2026-11-26T14:30:00.000Z' }),
    ],
    clocks: [
      clock({ clockId: 'acknowledgement-sla', title: 'Acknowledge within one hour', kind: 'sla', status: 'met', deadlineAt: '2026-11-19T11:00:00.000Z', metAt: '2026-11-19T10:12:00.000Z' }),
      clock({ clockId: 'nis2', title: 'NIS2 early warning', obligation: 'NIS2 Art. 23(4)(a)', status: 'missed', deadlineAt: '2026-11-20T10:00:00.000Z', missedAt: '2026-11-20T10:00:00.000Z' }),
    ],
  });

describe('post-incident review draft', () => {
  it('heads with the incident and its summary and resolution', () => {
    const markdown = draft();
    expect(markdown.startsWith('# Post-incident review: Exfiltration from billing | exports\n')).toBe(true);
    expect(markdown).toContain('| inc-42 | SEV1 | security-incident v1 | resolved | live |');
    expect(markdown).toContain('**Resolution:** Keys rotated, bucket policy fixed');
  });

  it('lists the milestones and MTTA / MTTR with who acted', () => {
    const markdown = draft();
    expect(markdown).toContain('| Opened | 2026-11-19T10:00:00.000Z |');
    expect(markdown).toContain('| Acknowledged | 2026-11-19T10:12:00.000Z |');
    expect(markdown).toContain('| Resolved | 2026-11-19T14:30:00.000Z |');
    expect(markdown).toContain('- Time to acknowledge (MTTA): 12m, by arn:aws:iam::000000000000:user/rita');
    expect(markdown).toContain('- Time to resolve (MTTR): 4h30m, by arn:aws:iam::000000000000:user/carl');
  });

  it('says of each clock whether it was met or missed', () => {
    const markdown = draft();
    expect(markdown).toContain('| Acknowledge within one hour | sla | — | 2026-11-19T11:00:00.000Z | met (2026-11-19T10:12:00.000Z) |');
    expect(markdown).toContain('| NIS2 early warning | regulatory | NIS2 Art. 23(4)(a) | 2026-11-20T10:00:00.000Z | **missed** (2026-11-20T10:00:00.000Z) |');
  });

  it('records decisions and approvals with who, outcome and comment (pipes escaped), and expiries', () => {
    const markdown = draft();
    expect(markdown).toContain(
      '| Determine materiality | approval | email:legal@example.com | rejected | not material \\| no customer data | 2026-11-19T12:00:00.000Z |',
    );
    expect(markdown).toContain('| Acknowledge the incident | task | arn:aws:iam::000000000000:user/rita | done | acknowledged through the incident |');
    expect(markdown).toContain('| Contain the incident | task | nobody | expired | after 1 escalation level(s) | 2026-11-19T13:00:00.000Z |');
    expect(markdown).toContain('| Recover the service | task | nobody | cancelled | the incident was resolved | 2026-11-19T14:30:00.000Z |');
  });

  it('lists open tasks as open actions, with their due time when they have one', () => {
    const markdown = draft();
    const actions = markdown.slice(markdown.indexOf('## Open actions'), markdown.indexOf('## Timeline'));
    expect(actions).toContain('- [ ] Eradicate the cause — responder, open since 2026-11-19T10:00:00.000Z');
    expect(actions).toContain('- [ ] Hold the post-incident review — commander, due 2026-11-26T14:30:00.000Z');
    expect(actions).not.toContain('Acknowledge');
  });

  it('lists the post-incident review once, and the tasks in the order they were opened (not by id)', () => {
    const review = { title: 'Hold the post-incident review', assignee: 'commander' as const };
    const markdown = reviewDraftMarkdown({
      incident,
      events,
      tasks: [
        // As the store returns them: by task id.
        task({ taskId: 'assign-commander', title: 'Assign a commander', createdAt: '2026-11-19T10:13:00.000Z' }),
        task({ taskId: 'contain', title: 'Contain', createdAt: '2026-11-19T11:00:00.000Z' }),
        task({ taskId: 'post-incident-review', ...review, completedBy: 'post-incident-review', createdAt: '2026-11-19T14:00:00.000Z' }),
        task({ taskId: REVIEW_TASK_ID, ...review, dueAt: '2026-11-26T14:30:00.000Z', createdAt: '2026-11-19T14:30:00.000Z' }),
        task({ taskId: 'acknowledge', title: 'Acknowledge', createdAt: '2026-11-19T10:00:00.000Z' }),
      ],
      clocks: [],
    });
    const actions = markdown.slice(markdown.indexOf('## Open actions'), markdown.indexOf('## Timeline'));
    expect(actions.match(/Hold the post-incident review/g)).toHaveLength(1);
    expect(actions.split('\n').filter((line) => line.startsWith('- [ ]')).map((line) => line.slice(6).split(' — ')[0])).toEqual([
      'Acknowledge',
      'Assign a commander',
      'Contain',
      'Hold the post-incident review',
    ]);

    // Held: the decision made on one and carried to the other is one decision.
    const decision = { outcome: 'done' as const, decidedBy: 'arn:aws:iam::000000000000:user/carl', comment: 'held on the 26th', decidedAt: '2026-11-26T09:00:00.000Z' };
    const held = reviewDraftMarkdown({
      incident,
      events,
      tasks: [
        task({ taskId: 'post-incident-review', ...review, completedBy: 'post-incident-review', status: 'completed', decision: { ...decision, via: 'post-incident-review', through: REVIEW_TASK_ID } }),
        task({ taskId: REVIEW_TASK_ID, ...review, status: 'completed', decision: { ...decision, via: 'api' } }),
      ],
      clocks: [],
    });
    expect(held.match(/\| Hold the post-incident review \|/g)).toHaveLength(1);
  });

  it('walks the timeline in order, one line per event', () => {
    const timeline = draft().split('## Timeline')[1]!.split('## Lessons learned')[0]!.trim().split('\n');
    expect(timeline).toEqual([
      '- 2026-11-19T10:00:00.000Z — `incident.opened` (arn:aws:iam::000000000000:user/rita)',
      '- 2026-11-19T10:12:00.000Z — `task.completed` — Acknowledge the incident, outcome done, "on it now" (arn:aws:iam::000000000000:user/rita)',
      '- 2026-11-19T14:30:00.000Z — `incident.resolved` (arn:aws:iam::000000000000:user/carl)',
    ]);
  });

  it('says so when there is nothing to list', () => {
    const markdown = reviewDraftMarkdown({ incident: { ...incident, mttaSeconds: undefined, acknowledgedBy: undefined }, events: [], tasks: [], clocks: [] });
    expect(markdown).toContain('No clocks ran.');
    expect(markdown).toContain('## Decisions and approvals\n\nNone recorded.');
    expect(markdown).toContain('## Open actions\n\nNone.');
    expect(markdown).toContain('- Time to acknowledge (MTTA): not yet\n');
  });
});

describe('post-incident review task', () => {
  it('is due 5 business days after resolution for SEV1/SEV2 by default, none for SEV3/SEV4', () => {
    // Thursday 19 Nov 2026 14:30 + 5 business days: Thursday 26 Nov is Thanksgiving (a US federal holiday, the
    // team's default calendar), so Friday 27 Nov 14:30. Before holidays were counted this said the 26th.
    expect(reviewDueAt('SEV1', '2026-11-19T14:30:00.000Z', defaultPostIncidentReviewConfig, usFederalCalendar)).toBe('2026-11-27T14:30:00.000Z');
    expect(reviewDueAt('SEV2', '2026-11-19T14:30:00.000Z', defaultPostIncidentReviewConfig, usFederalCalendar)).toBe('2026-11-27T14:30:00.000Z');
    expect(reviewDueAt('SEV3', '2026-11-19T14:30:00.000Z', defaultPostIncidentReviewConfig, usFederalCalendar)).toBeUndefined();
    expect(reviewDueAt('SEV4', '2026-11-19T14:30:00.000Z', defaultPostIncidentReviewConfig, usFederalCalendar)).toBeUndefined();
    // A team in Germany has no Thanksgiving: the 26th.
    expect(reviewDueAt('SEV1', '2026-11-19T14:30:00.000Z', defaultPostIncidentReviewConfig, { holidays: 'DE', timeZone: 'Europe/Berlin' })).toBe('2026-11-26T14:30:00.000Z');
  });

  it('follows the configuration per severity, and the config defaults to SEV1/SEV2 when left out', () => {
    const config = { dueInBusinessDays: { SEV3: 10 } };
    // Ten business days, Thanksgiving skipped: 4 December (3 December before holidays were counted).
    expect(reviewDueAt('SEV3', '2026-11-19T14:30:00.000Z', config, usFederalCalendar)).toBe('2026-12-04T14:30:00.000Z');
    expect(reviewDueAt('SEV1', '2026-11-19T14:30:00.000Z', config, usFederalCalendar)).toBeUndefined();
    const roles = Object.fromEntries(['responder', 'commander', 'approver', 'auditor'].map((role) => [role, { emails: [`${role}@example.com`] }]));
    const parsed = IrdrConfig.parse({ mail: { from: 'irdr@example.com' }, roles });
    expect(parsed.postIncidentReview).toEqual({ dueInBusinessDays: { SEV1: 5, SEV2: 5 } });
    expect(IrdrConfig.safeParse({ mail: { from: 'irdr@example.com' }, roles, postIncidentReview: { dueInBusinessDays: { SEV5: 3 } } }).success).toBe(false);
  });

  it('is an open commander task with no token and no run waiting, due when the config says', () => {
    const { roles } = IrdrConfig.parse({
      mail: { from: 'irdr@example.com' },
      roles: {
        commander: { emails: ['commanders@example.com'], people: [{ name: 'Ines Castro', email: 'ic@example.com' }, { name: 'Dev Patel', email: 'deputy-ic@example.com' }] },
        responder: { emails: ['oncall@example.com'], people: [{ name: 'Ines Castro', email: 'ic@example.com' }] },
        approver: { emails: ['lead@example.com'] },
        auditor: { emails: ['audit@example.com'] },
      },
    });
    const record = reviewTask(incident, '2026-11-19T14:30:00.000Z', '2026-11-26T14:30:00.000Z', { roles });
    expect(record).toMatchObject({ taskId: REVIEW_TASK_ID, kind: 'task', assignee: 'commander', status: 'open', outcomes: ['done'], dueAt: '2026-11-26T14:30:00.000Z', levels: [] });
    // Each commander (a person, never the role's list) gets their own link; nobody outside the role is a recipient.
    expect(record.recipients).toEqual([
      { address: 'ic@example.com', name: 'Ines Castro', role: 'commander', level: 0, mayComplete: true },
      { address: 'deputy-ic@example.com', name: 'Dev Patel', role: 'commander', level: 0, mayComplete: true },
    ]);
    expect(record.taskToken).toBeUndefined();
    expect(record.instructions).toContain('GET /incidents/inc-42/review');
    // The dot keeps it apart from every runbook step id (lower-case letters, digits and dashes).
    expect(REVIEW_TASK_ID).not.toMatch(/^[a-z][a-z0-9-]{0,47}$/);
  });
});

describe('the review emails', () => {
  const task = { taskId: REVIEW_TASK_ID, createdAt: '2026-11-19T14:30:00.000Z', dueAt: '2026-11-26T14:30:00.000Z' };
  const recipient = { address: 'ic@example.com', role: 'commander', level: 0, mayComplete: true } as const;
  const link = { url: 'https://api.example.com/task-links/inc-42.review.post-incident.0.1900000000?sig=x', expiresAt: new Date('2026-12-03T14:30:00.000Z') };
  const apiUrl = 'https://api.example.com';

  it('asks for the review by its due date, with the commander’s own link and the API beside it', () => {
    const email = reviewEmail({ incident, task, recipient, link, apiUrl, overdue: false });
    expect(email.subject).toBe('[SEV1] Post-incident review due 2026-11-26: Exfiltration from billing | exports');
    expect(email.text).toContain('was resolved at 2026-11-19T14:30:00.000Z');
    expect(email.text).toContain('by 2026-11-26T14:30:00.000Z');
    expect(email.text).toContain(`${link.url}\n`);
    expect(email.text).toContain('expires 2026-12-03T14:30:00.000Z');
    expect(email.text).toContain(`GET ${apiUrl}/incidents/inc-42/review`);
    expect(email.text).toContain(`POST ${apiUrl}/incidents/inc-42/tasks/review.post-incident/complete`);
    expect(email.html).toContain('class="button"');
    expect(email.html).toContain('This link is for ic@example.com alone');
  });

  it('reminds when overdue, marks an exercise as every email does, and points at the API when there is no link', () => {
    const email = reviewEmail({ incident: { ...incident, mode: 'exercise' }, task, recipient, apiUrl, overdue: true });
    expect(email.subject).toBe('[EXERCISE] [SEV1] Post-incident review overdue (due 2026-11-26): Exfiltration from billing | exports');
    expect(email.text).toContain('was due at 2026-11-26T14:30:00.000Z and nobody has recorded it yet');
    expect(email.text).not.toContain('/task-links/');
    expect(email.text).toContain(`When it is done:\nPOST ${apiUrl}/incidents/inc-42/tasks/review.post-incident/complete`);
    expect(email.html).not.toContain('class="button"');
  });
});
