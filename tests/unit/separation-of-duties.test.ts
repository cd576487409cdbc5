import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IrdrConfig } from '../../functions/domain/config-schema.js';
import { actingIdentity, drillRunParticipants, incidentParticipants, principalsOfAddress, sameActor, selfSignOffRefusal } from '../../functions/domain/evidence/separation-of-duties.js';

const carl = 'arn:aws:iam::123456789012:user/carl-commander';
const session = 'arn:aws:sts::123456789012:assumed-role/IncidentCommander/carl';
const resolvedByCarl = incidentParticipants({ openedBy: 'events:guardduty', acknowledgedBy: 'email:rita@example.com', resolvedBy: carl });
const resolvedInSession = incidentParticipants({ openedBy: 'arn:aws:iam::123456789012:user/rita', resolvedBy: session });

describe('separation of duties: who ran a record cannot sign it off', () => {
  it('refuses the resolver, naming the rule and what they did, and lets anyone else through', () => {
    expect(selfSignOffRefusal(carl, resolvedByCarl, 'incident')).toBe(
      'separation of duties (evidence.separationOfDuties): arn:aws:iam::123456789012:user/carl-commander resolved this incident, so cannot sign off its evidence; ' +
        'someone who did not run it signs it off (an auditor, or a commander who took no part)',
    );
    expect(selfSignOffRefusal('arn:aws:iam::123456789012:user/otto-auditor', resolvedByCarl, 'incident')).toBeUndefined();
    // Another account's user of the same name is someone else.
    expect(selfSignOffRefusal('arn:aws:iam::210987654321:user/carl-commander', resolvedByCarl, 'incident')).toBeUndefined();
  });

  it('names every part they took', () => {
    const ranItAll = incidentParticipants({ openedBy: carl, acknowledgedBy: carl, resolvedBy: carl, closedBy: carl });
    expect(selfSignOffRefusal(carl, ranItAll, 'incident')).toContain(`${carl} opened, acknowledged, resolved and closed this incident`);
  });

  it('counts who completed a commander\'s task (took command) as having commanded it, but not who held the review', () => {
    const tasks = [
      { taskId: 'assign-commander', assignee: 'commander', decision: { decidedBy: 'arn:aws:iam::123456789012:user/Carl-Commander/', via: 'api' } },
      { taskId: 'contain', assignee: 'responder', decision: { decidedBy: 'arn:aws:iam::123456789012:user/otto-auditor', via: 'api' } },
      { taskId: 'review.post-incident', assignee: 'commander', decision: { decidedBy: 'arn:aws:iam::123456789012:user/ada', via: 'api' } },
      { taskId: 'lessons', assignee: 'commander', decision: { decidedBy: 'arn:aws:iam::123456789012:user/grace', via: 'post-incident-review' } },
      { taskId: 'recover', assignee: 'commander' },
    ];
    const participants = incidentParticipants({ resolvedBy: 'arn:aws:iam::123456789012:user/rita' }, tasks);
    expect(selfSignOffRefusal(carl, participants, 'incident')).toContain(`${carl} commanded this incident`);
    for (const reviewer of ['otto-auditor', 'ada', 'grace']) expect(selfSignOffRefusal(`arn:aws:iam::123456789012:user/${reviewer}`, participants, 'incident')).toBeUndefined();
  });

  it('sees through the same principal written otherwise: case, trailing slashes, a path, spaces', () => {
    for (const disguise of [
      'ARN:AWS:IAM::123456789012:USER/CARL-COMMANDER',
      'arn:aws:iam::123456789012:user/Carl-Commander',
      `${carl}/`,
      `${carl}//`,
      ` ${carl} `,
      'arn:aws:iam::123456789012:user/ops/carl-commander',
      'arn:aws:iam::123456789012:user//carl-commander',
    ]) {
      expect(selfSignOffRefusal(disguise, resolvedByCarl, 'incident'), disguise).toMatch(/^separation of duties/);
    }
  });

  it('takes a role session as its role: another session name, or the role\'s own ARN (with a path), is the same caller', () => {
    for (const other of [
      'arn:aws:sts::123456789012:assumed-role/IncidentCommander/carl-signing-off',
      'arn:aws:sts::123456789012:assumed-role/IncidentCommander/someone-else',
      'arn:aws:sts::123456789012:assumed-role/incidentcommander/CARL/',
      'arn:aws:iam::123456789012:role/IncidentCommander',
      'arn:aws:iam::123456789012:role/security/IncidentCommander',
    ]) {
      expect(selfSignOffRefusal(other, resolvedInSession, 'incident'), other).toMatch(/resolved this incident/);
    }
    expect(selfSignOffRefusal('arn:aws:sts::123456789012:assumed-role/ComplianceAuditor/carl', resolvedInSession, 'incident')).toBeUndefined();
    // A user named like the role is not the role.
    expect(selfSignOffRefusal('arn:aws:iam::123456789012:user/IncidentCommander', resolvedInSession, 'incident')).toBeUndefined();
  });

  it('holds for any mix of case and trailing slashes (property)', () => {
    const caseFlips = fc.array(fc.boolean(), { minLength: session.length, maxLength: session.length });
    fc.assert(
      fc.property(caseFlips, fc.nat({ max: 3 }), fc.string({ minLength: 1, maxLength: 20 }).filter((name) => /^[\w+=,.@-]+$/.test(name)), (flips, slashes, sessionName) => {
        const base = `arn:aws:sts::123456789012:assumed-role/IncidentCommander/${sessionName}`;
        const disguised = [...base].map((char, index) => (flips[index % flips.length] ? char.toUpperCase() : char.toLowerCase())).join('') + '/'.repeat(slashes);
        expect(actingIdentity(disguised)).toBe(actingIdentity(session));
      }),
    );
  });

  it('counts a drill run\'s starter only when a person started it by hand', () => {
    expect(selfSignOffRefusal(carl, drillRunParticipants({ trigger: 'api', requestedBy: carl }), 'drill run')).toContain('started this drill run');
    expect(drillRunParticipants({ trigger: 'schedule' })).toEqual([]);
    expect(drillRunParticipants({ trigger: 'runbook', requestedBy: 'incident:inc-1' })).toEqual([]);
  });
});

describe('separation of duties across channels: an emailed link or the CLI is the same person', () => {
  const config = IrdrConfig.parse({
    mail: { from: 'irdr@example.com' },
    roles: {
      responder: { people: [{ name: 'Rita', email: 'rita@example.com' }], principals: ['arn:aws:sts::123456789012:assumed-role/SecurityResponder/*'] },
      commander: {
        people: [
          { name: 'Carl', email: 'carl@example.com', principals: [carl, 'arn:aws:sts::123456789012:assumed-role/IncidentCommander/carl'] },
          { name: 'Cleo', email: 'cleo@example.com', principals: ['arn:aws:iam::123456789012:user/cleo'] },
        ],
        principals: ['arn:aws:sts::123456789012:assumed-role/IncidentCommander/*', 'arn:aws:iam::123456789012:user/*'],
      },
      approver: { emails: ['leads@example.com'] },
      auditor: { emails: ['audit@example.com'], principals: ['arn:aws:iam::123456789012:user/otto-auditor'] },
    },
  });
  const principalsOf = principalsOfAddress(config);
  // Carl took command through his emailed link: the trail names him email:carl@example.com.
  const commandedByLink = incidentParticipants({ resolvedBy: 'arn:aws:iam::123456789012:user/rita' }, [
    { taskId: 'assign-commander', assignee: 'commander', decision: { decidedBy: 'email:Carl@Example.com', via: 'email-link' } },
  ]);

  it('refuses the person who commanded through an emailed link when they sign in, in any of their principals, naming the link actor', () => {
    for (const signer of [carl, 'arn:aws:iam::123456789012:user/Carl-Commander/', 'arn:aws:sts::123456789012:assumed-role/IncidentCommander/carl']) {
      expect(selfSignOffRefusal(signer, commandedByLink, 'incident', principalsOf), signer).toBe(
        `separation of duties (evidence.separationOfDuties): ${signer} commanded this incident (as email:Carl@Example.com), so cannot sign off its evidence; ` +
          'someone who did not run it signs it off (an auditor, or a commander who took no part)',
      );
    }
    // Before: without the directory the link actor was compared as written, and Carl could sign off.
    expect(selfSignOffRefusal(carl, commandedByLink, 'incident')).toBeUndefined();
  });

  it('lets another commander, with principals of their own, and the auditor sign it off', () => {
    expect(selfSignOffRefusal('arn:aws:iam::123456789012:user/cleo', commandedByLink, 'incident', principalsOf)).toBeUndefined();
    expect(selfSignOffRefusal('arn:aws:iam::123456789012:user/otto-auditor', commandedByLink, 'incident', principalsOf)).toBeUndefined();
  });

  it('takes every principal of the person\'s roles as them when config names none of their own (the safe side)', () => {
    const acknowledgedByRita = incidentParticipants({ acknowledgedBy: 'email:rita@example.com' });
    expect(selfSignOffRefusal('arn:aws:sts::123456789012:assumed-role/SecurityResponder/anyone', acknowledgedByRita, 'incident', principalsOf)).toContain('acknowledged this incident (as email:rita@example.com)');
    expect(selfSignOffRefusal(carl, acknowledgedByRita, 'incident', principalsOf)).toBeUndefined();
    // An address that is no configured person (a list, a stranger) is nobody who can sign in.
    expect(sameActor(carl, 'email:leads@example.com', principalsOf)).toBe(false);
    expect(sameActor(carl, 'email:', principalsOf)).toBe(false);
  });

  it('counts a drill run started from the CLI, its cli:<user> the signer\'s IAM user or session name', () => {
    const startedFromCli = drillRunParticipants({ trigger: 'cli', requestedBy: 'cli:carl' });
    expect(startedFromCli).toEqual([{ actor: 'cli:carl', did: 'started' }]);
    expect(selfSignOffRefusal('arn:aws:iam::123456789012:user/carl', startedFromCli, 'drill run', principalsOf)).toContain('started this drill run (as cli:carl)');
    expect(selfSignOffRefusal('arn:aws:sts::123456789012:assumed-role/IncidentCommander/Carl', startedFromCli, 'drill run', principalsOf)).toBeDefined();
    for (const other of ['arn:aws:iam::123456789012:user/carla', 'arn:aws:iam::123456789012:user/otto-auditor', 'arn:aws:iam::123456789012:role/carl']) {
      expect(selfSignOffRefusal(other, startedFromCli, 'drill run', principalsOf), other).toBeUndefined();
    }
  });
});
