import * as z from './zod.js';
import { printable } from './plain-text.js';

/**
 * What to act on, from a finding: the credentials (access key, principal, user), where the calls came from (IP,
 * country, ASN and its organisation) and which API was called; for Security Hub, the resources it names. On the
 * incident (`finding`), in the runbook's input and in task emails. Every value comes from the finding, which an
 * attacker shapes in part (a user name, a user agent): each is one printable line (controls shown as `\uXXXX`), clipped.
 */

/** The longest value kept: enough for any key, ARN or name AWS issues; a 3,000-character user name is clipped. */
export const MAX_DETAIL_LENGTH = 256;
/** How many of a Security Hub finding's resources are kept. */
export const MAX_FINDING_RESOURCES = 10;

const Text = z.string().check(z.maxLength(MAX_DETAIL_LENGTH));

export const FindingDetails = z.object({
  accessKey: z.optional(z.object({ accessKeyId: z.optional(Text), principalId: z.optional(Text), userName: z.optional(Text), userType: z.optional(Text) })),
  remoteIp: z.optional(z.object({
    ipAddress: z.optional(Text),
    countryCode: z.optional(Text),
    countryName: z.optional(Text),
    cityName: z.optional(Text),
    asn: z.optional(Text),
    asnOrg: z.optional(Text),
    isp: z.optional(Text),
    org: z.optional(Text),
  })),
  api: z.optional(z.object({ name: z.optional(Text), serviceName: z.optional(Text), callerType: z.optional(Text), errorCode: z.optional(Text), userAgent: z.optional(Text) })),
  resources: z.optional(z.array(
    z.object({
      type: z.optional(Text),
      id: z.optional(Text),
      region: z.optional(Text),
      accessKeyId: z.optional(Text),
      principalId: z.optional(Text),
      principalName: z.optional(Text),
      principalType: z.optional(Text),
    }),
  ).check(z.maxLength(MAX_FINDING_RESOURCES))),
});
export type FindingDetails = z.infer<typeof FindingDetails>;

/** One printable, clipped line of a finding's value; nothing for what is not a string or number, or is blank. */
export function detailText(value: unknown): string | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const text = printable(String(value)).trim();
  if (text === '') return undefined;
  return text.length <= MAX_DETAIL_LENGTH ? text : `${text.slice(0, MAX_DETAIL_LENGTH - 1)}…`;
}

/** The object at `key`, if it is one (a finding's optional blocks may be missing, null or of another type). */
const block = (value: unknown, key: string): Record<string, unknown> | undefined => {
  const inner = value !== null && typeof value === 'object' && !Array.isArray(value) && Object.hasOwn(value, key) ? (value as Record<string, unknown>)[key] : undefined;
  return inner !== null && typeof inner === 'object' && !Array.isArray(inner) ? (inner as Record<string, unknown>) : undefined;
};
const text = (value: Record<string, unknown> | undefined, key: string): string | undefined =>
  value !== undefined && Object.hasOwn(value, key) ? detailText(value[key]) : undefined;

/** The fields that are set, or undefined when none is. */
function someOf<T extends Record<string, string | undefined>>(fields: T): Partial<T> | undefined {
  const set = Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as Partial<T>;
  return Object.keys(set).length > 0 ? set : undefined;
}

const withParts = (details: FindingDetails): FindingDetails | undefined => {
  const present = Object.fromEntries(Object.entries(details).filter(([, value]) => value !== undefined));
  return Object.keys(present).length > 0 ? present : undefined;
};

/**
 * A GuardDuty finding's details, in its documented shape: `resource.accessKeyDetails`, and
 * `service.action.awsApiCallAction` with its `api`, `serviceName`, `callerType`, `errorCode`, `userAgent` and
 * `remoteIpDetails` (`ipAddressV4`/`ipAddressV6`, `country`, `city`, `organization.asn`/`asnOrg`/`isp`/`org`).
 */
export function guardDutyFindingDetails(detail: Record<string, unknown>): FindingDetails | undefined {
  const key = block(block(detail, 'resource'), 'accessKeyDetails');
  const call = block(block(block(detail, 'service'), 'action'), 'awsApiCallAction');
  const remote = block(call, 'remoteIpDetails');
  const organization = block(remote, 'organization');
  return withParts({
    accessKey: someOf({ accessKeyId: text(key, 'accessKeyId'), principalId: text(key, 'principalId'), userName: text(key, 'userName'), userType: text(key, 'userType') }),
    remoteIp: someOf({
      ipAddress: text(remote, 'ipAddressV4') ?? text(remote, 'ipAddressV6'),
      countryCode: text(block(remote, 'country'), 'countryCode'),
      countryName: text(block(remote, 'country'), 'countryName'),
      cityName: text(block(remote, 'city'), 'cityName'),
      asn: text(organization, 'asn'),
      asnOrg: text(organization, 'asnOrg'),
      isp: text(organization, 'isp'),
      org: text(organization, 'org'),
    }),
    api: someOf({
      name: text(call, 'api'),
      serviceName: text(call, 'serviceName'),
      callerType: text(call, 'callerType'),
      errorCode: text(call, 'errorCode'),
      userAgent: text(call, 'userAgent'),
    }),
  });
}

/** Where Security Hub flattens an imported GuardDuty finding's API call into ASFF ProductFields. */
const GUARDDUTY_CALL = 'aws/guardduty/service/action/awsApiCallAction';

/**
 * A Security Hub (ASFF) finding's details: its `Resources[]` (Type, Id, Region, and an `AwsIamAccessKey`'s
 * principal and key), and for a GuardDuty finding imported into Security Hub the API call and remote IP that
 * Security Hub flattens into `ProductFields`.
 */
export function asffFindingDetails(finding: Record<string, unknown>): FindingDetails | undefined {
  const resources = Array.isArray(finding['Resources']) ? finding['Resources'] : [];
  const kept = resources.slice(0, MAX_FINDING_RESOURCES).flatMap((resource: unknown) => {
    if (resource === null || typeof resource !== 'object') return [];
    const fields = resource as Record<string, unknown>;
    const accessKey = block(block(fields, 'Details'), 'AwsIamAccessKey');
    const kept = someOf({
      type: text(fields, 'Type'),
      id: text(fields, 'Id'),
      region: text(fields, 'Region'),
      accessKeyId: text(accessKey, 'AccessKeyId'),
      principalId: text(accessKey, 'PrincipalId'),
      principalName: text(accessKey, 'PrincipalName') ?? text(accessKey, 'UserName'),
      principalType: text(accessKey, 'PrincipalType'),
    });
    return kept ? [kept] : [];
  });
  const productFields = block(finding, 'ProductFields');
  const field = (path: string) => text(productFields, `${GUARDDUTY_CALL}/${path}`);
  return withParts({
    resources: kept.length > 0 ? kept : undefined,
    remoteIp: someOf({
      ipAddress: field('remoteIpDetails/ipAddressV4') ?? field('remoteIpDetails/ipAddressV6'),
      countryName: field('remoteIpDetails/country/countryName'),
      asn: field('remoteIpDetails/organization/asn'),
      asnOrg: field('remoteIpDetails/organization/asnOrg'),
    }),
    api: someOf({ name: field('api'), serviceName: field('serviceName'), callerType: field('callerType') }),
  });
}

/** An OCSF finding's `resources[]` (uid, type, region; an access key's key and principal from its `data`), as ASFF's Resources[] are kept. */
export function ocsfFindingDetails(finding: Record<string, unknown>): FindingDetails | undefined {
  const resources = Array.isArray(finding['resources']) ? finding['resources'] : [];
  const kept = resources.slice(0, MAX_FINDING_RESOURCES).flatMap((resource: unknown) => {
    if (resource === null || typeof resource !== 'object') return [];
    const fields = resource as Record<string, unknown>;
    const data = block(fields, 'data');
    const one = someOf({
      type: text(fields, 'type'),
      id: text(fields, 'uid') ?? text(fields, 'name'),
      region: text(fields, 'region'),
      accessKeyId: text(data, 'access_key_id'),
      principalId: text(data, 'principal_id'),
      principalName: text(data, 'user_name'),
      principalType: text(data, 'user_type'),
    });
    return one ? [one] : [];
  });
  return kept.length > 0 ? { resources: kept } : undefined;
}

/** The details as lines for an email or a page: what to act on, first the credentials. Empty when there is nothing. */
export function findingDetailsLines(details: FindingDetails | undefined): string[] {
  if (!details) return [];
  const lines: string[] = [];
  const joined = (parts: Array<string | undefined>, separator = ', ') => parts.filter((part) => part !== undefined).join(separator);
  const { accessKey, remoteIp, api, resources } = details;
  if (accessKey) {
    const who = joined([accessKey.userName && `user ${accessKey.userName}`, accessKey.userType, accessKey.principalId && `principal ${accessKey.principalId}`]);
    lines.push(`- Access key: ${accessKey.accessKeyId ?? '(none named)'}${who ? ` (${who})` : ''}`);
  }
  if (api) {
    const call = joined([api.serviceName, api.name], ' ');
    const more = joined([api.callerType, api.errorCode && `error ${api.errorCode}`, api.userAgent && `user agent ${api.userAgent}`]);
    lines.push(`- API called: ${call || '(not named)'}${more ? ` (${more})` : ''}`);
  }
  if (remoteIp) {
    const where = joined([remoteIp.cityName, remoteIp.countryName ?? remoteIp.countryCode]);
    const network = joined([remoteIp.asn && `ASN ${remoteIp.asn}`, remoteIp.asnOrg, remoteIp.org, remoteIp.isp].filter((part, index, all) => all.indexOf(part) === index));
    lines.push(`- From: ${remoteIp.ipAddress ?? '(no address)'}${where ? `, ${where}` : ''}${network ? ` (${network})` : ''}`);
  }
  for (const resource of resources ?? []) {
    const key = joined([resource.accessKeyId && `access key ${resource.accessKeyId}`, resource.principalName && `principal ${resource.principalName}`, resource.principalType, resource.principalId]);
    lines.push(`- Resource: ${joined([resource.type, resource.id], ' ')}${resource.region ? ` in ${resource.region}` : ''}${key ? ` (${key})` : ''}`);
  }
  return lines.length > 0 ? ['What the finding names (act on these):', ...lines] : [];
}
