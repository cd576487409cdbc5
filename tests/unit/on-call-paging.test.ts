import { describe, expect, it } from 'vitest';
import rawConfig from '../../config/irdr.config.json' with { type: 'json' };
import { IrdrConfig } from '../../functions/domain/config-schema.js';
import { recipientsForLevel } from '../../functions/domain/human-task-email.js';
import { onCallAt } from '../../functions/domain/on-call/on-call-now.js';
import { noticeAddresses } from '../../functions/domain/on-call/paged-people.js';

// The shipped config with two responders on a daily rotation (09:00 Berlin from 2026-12-01) and Rita covering Christmas Eve.
const config = IrdrConfig.parse({
  ...rawConfig,
  roles: {
    ...rawConfig.roles,
    responder: {
      ...rawConfig.roles.responder,
      people: [{ name: 'Rita Okafor', email: 'rita@example.com' }, { name: 'Sam Lee', email: 'sam@example.com' }],
      onCall: {
        layers: [{ name: 'primary', rotation: ['rita@example.com', 'sam@example.com'], handoff: { every: 'day', at: '09:00', timeZone: 'Europe/Berlin' }, start: '2026-12-01' }],
        overrides: [{ person: 'rita@example.com', from: '2026-12-24T00:00:00+01:00', to: '2026-12-25T00:00:00+01:00', reason: 'swap with Sam' }],
      },
    },
  },
});
const ack = { kind: 'task' as const, assignee: 'responder' as const };

describe('a page to a role with an on-call schedule', () => {
  it('goes to the one person on call, with the on-call fact the trail records', () => {
    // 2026-12-02 10:00 Berlin: shift 1, Sam's.
    expect(recipientsForLevel(ack, 0, ['responder'], config, new Date('2026-12-02T09:00:00Z'))).toEqual([
      {
        address: 'sam@example.com',
        name: 'Sam Lee',
        role: 'responder',
        level: 0,
        mayComplete: true,
        onCall: { role: 'responder', person: 'sam@example.com', name: 'Sam Lee', from: 'layer', layer: 'primary', shift: 1, since: '2026-12-02T08:00:00.000Z', until: '2026-12-03T08:00:00.000Z' },
      },
    ]);
    // A minute before the handoff it was still Rita's shift.
    expect(recipientsForLevel(ack, 0, ['responder'], config, new Date('2026-12-02T07:59:00Z')).map((recipient) => recipient.address)).toEqual(['rita@example.com']);
  });

  it('goes to the override on the day it covers (Sam\'s shift by the rotation)', () => {
    const [recipient, ...others] = recipientsForLevel(ack, 0, ['responder'], config, new Date('2026-12-24T12:00:00Z'));
    expect(others).toEqual([]);
    expect(recipient).toMatchObject({ address: 'rita@example.com', onCall: { from: 'override', override: 0, reason: 'swap with Sam', until: '2026-12-24T23:00:00.000Z' } });
  });

  it('goes to every person of the role when the schedule has nobody (before it starts), and says so', () => {
    const recipients = recipientsForLevel(ack, 0, ['responder'], config, new Date('2026-11-30T12:00:00Z'));
    expect(recipients.map((recipient) => [recipient.address, recipient.onCall])).toEqual([
      ['rita@example.com', { role: 'responder', from: 'nobody' }],
      ['sam@example.com', { role: 'responder', from: 'nobody' }],
    ]);
  });

  it('leaves a role without a schedule as it was: all its people, no on-call fact', () => {
    const recipients = recipientsForLevel(ack, 1, ['responder', 'approver'], config, new Date('2026-12-02T09:00:00Z'));
    expect(recipients.map(({ address, onCall }) => [address, onCall])).toEqual([
      ['sam@example.com', expect.objectContaining({ person: 'sam@example.com' })],
      ['ada@example.com', undefined],
      ['grace@example.com', undefined],
    ]);
  });

  it('pages the person as configured in people when the schedule writes their address in another case', () => {
    const shouting = IrdrConfig.parse({
      ...rawConfig,
      roles: { ...rawConfig.roles, responder: { ...config.roles.responder, onCall: { layers: [{ ...config.roles.responder.onCall!.layers[0]!, rotation: ['RITA@Example.com'] }] } } },
    });
    expect(recipientsForLevel(ack, 0, ['responder'], shouting, new Date('2026-12-02T09:00:00Z'))).toEqual([
      expect.objectContaining({ address: 'rita@example.com', name: 'Rita Okafor', mayComplete: true, onCall: expect.objectContaining({ person: 'rita@example.com' }) }),
    ]);
  });

  it('adds the person on call to a notice\'s list addresses', () => {
    expect(noticeAddresses(['responder', 'commander'], config, new Date('2026-12-03T09:00:00Z'))).toEqual({
      to: ['incident-commanders@example.com', 'rita@example.com', 'security-oncall@example.com'],
      onCall: [expect.objectContaining({ role: 'responder', person: 'rita@example.com', shift: 2 })],
    });
    expect(noticeAddresses(['responder'], config, new Date('2026-11-01T00:00:00Z'))).toEqual({ to: ['security-oncall@example.com'], onCall: [{ role: 'responder', from: 'nobody' }] });
  });
});

describe('GET /on-call: whom a page to each role goes to now (onCallAt)', () => {
  it('names the one on call for a scheduled role, every person for a role without a schedule, and every person in a gap', () => {
    const now = onCallAt(config, new Date('2026-12-02T09:00:00Z'));
    expect(now.map((entry) => entry.role)).toEqual(['responder', 'commander', 'approver', 'auditor']);
    expect(now[0]).toEqual({
      role: 'responder',
      scheduled: true,
      paged: [{ name: 'Sam Lee', email: 'sam@example.com' }],
      onCall: { role: 'responder', person: 'sam@example.com', name: 'Sam Lee', from: 'layer', layer: 'primary', shift: 1, since: '2026-12-02T08:00:00.000Z', until: '2026-12-03T08:00:00.000Z' },
    });
    // The override on Christmas Eve gives Rita the day, though the rotation says Sam.
    expect(onCallAt(config, new Date('2026-12-24T12:00:00Z'))[0]).toMatchObject({ paged: [{ email: 'rita@example.com' }], onCall: { from: 'override', reason: 'swap with Sam' } });
    expect(now[2]).toEqual({ role: 'approver', scheduled: false, paged: config.roles.approver!.people.map(({ name, email }) => ({ name, email })) });
    expect(now[2]!.paged.length).toBeGreaterThan(1);
    // Before the rotation's first handoff nobody is on call: a page goes to every responder, and the answer says so.
    expect(onCallAt(config, new Date('2026-12-01T07:59:00Z'))[0]).toEqual({
      role: 'responder',
      scheduled: true,
      paged: [{ name: 'Rita Okafor', email: 'rita@example.com' }, { name: 'Sam Lee', email: 'sam@example.com' }],
      onCall: { role: 'responder', from: 'nobody' },
    });
  });
});
