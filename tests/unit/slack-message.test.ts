import { describe, expect, it } from 'vitest';
import type { SlackConfig } from '../../functions/domain/slack-config.js';
import { commandOf } from '../../functions/domain/slack-interaction.js';
import { incidentMessage, threadReply } from '../../functions/domain/slack-message.js';
import { escapeSlackText, slackText } from '../../functions/domain/slack-text.js';
import type { Incident } from '../../functions/domain/incident.js';
import type { HumanTaskRecord } from '../../functions/domain/human-task.js';

const config: SlackConfig = {
  teamId: 'T0TEAM',
  channels: { default: 'C0DEFAULT', bySeverity: { SEV1: 'C0SEV1' }, byRunbook: { 'dr-drill-failure': 'C0DRILLS' } },
  urgentSeverities: ['SEV1', 'SEV2'],
  urgentUserGroup: 'S0GROUP',
  people: [],
};
const incident = (changes: Partial<Incident> = {}): Incident => ({
  incidentId: 'inc-1',
  runbookId: 'security-incident',
  runbookVersion: 1,
  runbookHash: 'h',
  title: 'Console login',
  severity: 'SEV2',
  summary: 'GuardDuty finding',
  mode: 'live',
  openedAt: '2026-12-07T07:00:00.000Z',
  openedBy: 'x',
  status: 'open',
  runbookStatus: 'running',
  updatedAt: '2026-12-07T07:00:00.000Z',
  ...changes,
});
const task = (changes: Partial<HumanTaskRecord>): HumanTaskRecord => ({
  taskId: 'contain',
  incidentId: 'inc-1',
  stepId: 'contain',
  executionArn: 'arn',
  kind: 'task',
  title: 'Contain',
  assignee: 'responder',
  outcomes: ['done'],
  status: 'open',
  level: 0,
  levels: [],
  deadlineSeconds: 60,
  onExhausted: 'fail',
  createdAt: '',
  updatedAt: '',
  levelStartedAt: '',
  levelSeconds: 60,
  recipients: [],
  ...changes,
} as HumanTaskRecord);

const allText = (value: unknown): string => JSON.stringify(value);
const message = (changes: Partial<Incident>, tasks: HumanTaskRecord[] = []) => incidentMessage(config, { incident: incident(changes), tasks, clocks: [], apiUrl: 'https://api.example' });

describe('Slack text and messages', () => {
  it('escapes exactly &, < and > (the & first, so nothing is escaped twice)', () => {
    expect(escapeSlackText('a & b < c > d &amp;')).toBe('a &amp; b &lt; c &gt; d &amp;amp;');
    expect(slackText('x'.repeat(50), 10)).toHaveLength(10);
    // A cut never leaves half an entity.
    expect(slackText('<<<<<<<<<<', 10)).toBe('&lt;&lt;…');
  });

  it('a hostile title can neither ping (<!channel>, <!subteam^…>, <@U…>) nor link (<https://evil|click>)', () => {
    const hostile = '<!channel> <!here> <!subteam^S0GROUP> <@U0BOSS> <https://evil.example|click here>';
    const rendered = allText(message({ title: hostile, summary: hostile, severity: 'SEV3' }));
    for (const raw of ['<!channel>', '<!here>', '<!subteam^S0GROUP>', '<@U0BOSS>', '<https://evil']) expect(rendered).not.toContain(raw);
    expect(rendered).toContain('&lt;!channel&gt;');
    const reply = allText(threadReply(`Task created: ${hostile}`));
    expect(reply).not.toContain('<!channel>');
    expect(reply).not.toContain('<https://evil');
  });

  it('mentions the configured user group on urgent severities only, and goes to the runbook, severity or default channel', () => {
    expect(message({ severity: 'SEV2' }).blocks[0]).toMatchObject({ text: { text: expect.stringMatching(/^<!subteam\^S0GROUP> /) } });
    expect(allText(message({ severity: 'SEV3' }))).not.toContain('subteam');
    expect(message({ severity: 'SEV2' }).channel).toBe('C0DEFAULT');
    expect(message({ severity: 'SEV1' }).channel).toBe('C0SEV1');
    expect(message({ severity: 'SEV1', runbookId: 'dr-drill-failure' }).channel).toBe('C0DRILLS');
  });

  it('shows Acknowledge while open, a Complete or Approve/Reject per open task, and none once done', () => {
    const open = message({}, [task({}), task({ taskId: 'approve-wipe', kind: 'approval', title: 'Wipe host', outcomes: ['approved', 'rejected'] }), task({ taskId: 'acknowledge', completedBy: 'acknowledgement' })]);
    const actions = open.blocks.find((block) => block['type'] === 'actions') as { elements: Array<{ action_id: string; value: string }> };
    expect(actions.elements.map((element) => element.action_id)).toEqual(['irdr.acknowledge', 'irdr.complete:contain', 'irdr.approve:approve-wipe', 'irdr.reject:approve-wipe']);
    expect(JSON.parse(actions.elements[1]!.value)).toEqual({ incidentId: 'inc-1', taskId: 'contain' });
    const done = message({ status: 'acknowledged', acknowledgedAt: '2026-12-07T07:01:00.000Z', acknowledgedBy: 'email:rita@example.com', mttaSeconds: 60 }, [task({ status: 'completed' })]);
    expect(done.blocks.some((block) => block['type'] === 'actions')).toBe(false);
    expect(allText(done)).toContain('MTTA 60 s');
  });

  it('reads a pressed button back into one command, and refuses anything irdr did not make', () => {
    const action = (action_id: string, value: string) => ({ action_id, value, type: 'button' });
    expect(commandOf(action('irdr.acknowledge', '{"incidentId":"inc-1"}'))).toEqual({ verb: 'acknowledge', incidentId: 'inc-1' });
    expect(commandOf(action('irdr.approve:wipe', '{"incidentId":"inc-1","taskId":"wipe"}'))).toEqual({ verb: 'approve', incidentId: 'inc-1', taskId: 'wipe' });
    expect(commandOf(action('irdr.resolve', '{"incidentId":"inc-1"}'))).toHaveProperty('refused');
    expect(commandOf(action('irdr.complete:x', '{"incidentId":"inc-1"}'))).toHaveProperty('refused');
    expect(commandOf(action('irdr.acknowledge', '{"incidentId":"../../etc"}'))).toHaveProperty('refused');
    expect(commandOf(action('irdr.acknowledge', '{"incidentId":"inc-1","extra":1}'))).toHaveProperty('refused');
    expect(commandOf(action('irdr.acknowledge', 'not json'))).toHaveProperty('refused');
  });
});
