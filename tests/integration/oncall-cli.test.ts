import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import rawConfig from '../../config/irdr.config.json' with { type: 'json' };
import { irdrCli } from './support/irdr-cli.js';

const irdr = irdrCli;
async function oncall(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [irdr, 'oncall', 'who', ...args]);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failure = error as { code: number; stdout: string; stderr: string };
    return { code: failure.code, stdout: failure.stdout, stderr: failure.stderr };
  }
}

let dir: string;
const configFile = async (name: string, onCall: unknown): Promise<string> => {
  const file = join(dir, name);
  const responder = { ...rawConfig.roles.responder, people: [...rawConfig.roles.responder.people, { name: 'Sam Lee', email: 'sam@example.com' }], onCall };
  await writeFile(file, JSON.stringify({ ...rawConfig, roles: { ...rawConfig.roles, responder } }));
  return file;
};
const weekly = { name: 'primary', rotation: ['rita@example.com', 'sam@example.com'], handoff: { every: 'week', at: '09:00', timeZone: 'America/New_York' }, start: '2026-10-26' };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'irdr-oncall-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('irdr oncall who', () => {
  it('prints who is on call, from which layer, and until when (a weekly handoff across the US fall-back)', async () => {
    const file = await configFile('weekly.json', { layers: [weekly] });
    // Monday 2026-11-02 09:00 New York is EST (14:00Z): the week before began at 09:00 EDT (13:00Z).
    const answer = await oncall(['responder', '--config', file, '--at', '2026-11-02T13:59:59Z']);
    expect(answer).toMatchObject({ code: 0, stderr: '' });
    expect(answer.stdout).toBe(
      'Rita Okafor <rita@example.com> is on call as responder at 2026-11-02T13:59:59.000Z\n' +
        '  from layer "primary", shift 0, since 2026-10-26T13:00:00.000Z, until 2026-11-02T14:00:00.000Z\n',
    );
    expect((await oncall(['responder', '--config', file, '--at', '2026-11-02T14:00:00Z'])).stdout).toContain('Sam Lee <sam@example.com> is on call');
  });

  it('names the override that covers, and answers as JSON', async () => {
    const file = await configFile('override.json', { layers: [weekly], overrides: [{ person: 'sam@example.com', from: '2026-11-26T00:00:00-05:00', to: '2026-11-27T00:00:00-05:00', reason: 'Thanksgiving swap' }] });
    const answer = await oncall(['responder', '--config', file, '--at', '2026-11-26T12:00:00-05:00', '--json']);
    expect(JSON.parse(answer.stdout)).toEqual({
      role: 'responder',
      at: '2026-11-26T17:00:00.000Z',
      paged: ['Sam Lee <sam@example.com>'],
      onCall: { role: 'responder', person: 'sam@example.com', name: 'Sam Lee', from: 'override', override: 0, reason: 'Thanksgiving swap', since: '2026-11-26T05:00:00.000Z', until: '2026-11-27T05:00:00.000Z' },
    });
  });

  it('says when a role has no schedule (the shipped config) or nobody is on call', async () => {
    expect((await oncall(['approver', '--at', '2026-12-01'])).stdout).toBe(
      'approver has no on-call schedule: a page at 2026-12-01T00:00:00.000Z goes to every person of the role: Ada Lovelace <ada@example.com>, Grace Hopper <grace@example.com>\n',
    );
    const file = await configFile('later.json', { layers: [{ ...weekly, start: '2027-01-04' }] });
    expect((await oncall(['responder', '--config', file, '--at', '2026-12-01'])).stdout).toContain('nobody is on call as responder at 2026-12-01T00:00:00.000Z (a gap in its schedule)');
  });

  it('refuses, exit 2, what it cannot answer: an unknown role, a bad time, a config a deploy would refuse', async () => {
    expect(await oncall(['janitor'])).toMatchObject({ code: 2, stderr: 'irdr: no role "janitor": name one of responder, commander, approver, auditor\n' });
    expect((await oncall(['responder', '--at', 'tomorrow'])).stderr).toContain('expected an ISO date or time');
    const file = await configFile('bad.json', { layers: [{ ...weekly, rotation: ['mallory@example.com'], handoff: { ...weekly.handoff, timeZone: 'US/Nowhere' } }] });
    const bad = await oncall(['responder', '--config', file]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('roles.responder.onCall.layers.0.handoff.timeZone: unknown time zone "US/Nowhere"');
    expect(bad.stderr).toContain("roles.responder.onCall.layers.0.rotation.0: mallory@example.com is not one of this role's people");
  });
});
