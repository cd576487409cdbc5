import { roleNames, type IrdrConfig, type RoleName } from '../config-schema.js';
import { pagedPeople, type OnCallRecord } from './paged-people.js';

/** Whom a page to one role goes to at an instant: GET /on-call's answer, per role. */
export interface RoleOnCall {
  readonly role: RoleName;
  /** Whether the role has an on-call schedule (without one, every person is paged). */
  readonly scheduled: boolean;
  /** The people a page goes to: the one on call, or every person of the role (no schedule, or a gap in it). */
  readonly paged: ReadonlyArray<{ readonly name: string; readonly email: string }>;
  /** For a scheduled role: who is on call and since when (or `nobody`), as the trail records it with a page. */
  readonly onCall?: OnCallRecord;
}

/** Each role's paged people at `at`, worked out as a page is (pagedPeople): the console shows what a page would do. */
export function onCallAt(config: Pick<IrdrConfig, 'roles'>, at: Date): RoleOnCall[] {
  return roleNames.map((role) => {
    const { people, onCall } = pagedPeople(role, config, at);
    return {
      role,
      scheduled: config.roles[role]?.onCall !== undefined,
      paged: people.map(({ name, email }) => ({ name, email })),
      ...(onCall && { onCall }),
    };
  });
}
