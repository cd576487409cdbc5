/**
 * The one registry of Lambda functions. lib/ hands each `entry` to a NodejsFunction;
 * local/ imports the same file and calls its `handler` in-process. Neither knows a handler's insides.
 */

/** Environment variables a function may need; lib/ and local/ each know how to fill every one. */
export type FunctionEnvironmentName = 'TABLE_NAME' | 'RUNBOOK_CATALOG';

/** What a function may do; lib/ turns these into least-privilege grants. */
export type FunctionPermission = 'table:read' | 'table:write' | 'runbooks:start' | 'mail:send';

export interface HttpRoute {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** API Gateway HTTP API path, with `{name}` parameters. */
  readonly path: string;
}

export interface FunctionSpec {
  /** PascalCase; also the `${<name>FunctionArn}` placeholder in compiled ASL. */
  readonly name: string;
  /** Handler file, relative to the project root; it exports `handler`. */
  readonly entry: string;
  readonly description: string;
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
  readonly environment: readonly FunctionEnvironmentName[];
  readonly permissions: readonly FunctionPermission[];
  /** Routes of the HTTP API served by this function (API handlers only). */
  readonly routes?: readonly HttpRoute[];
}

export const functionRegistry = [
  {
    name: 'CreateIncident',
    entry: 'functions/http/create-incident.ts',
    description: 'POST /incidents: validates, records the incident and starts its runbook',
    memoryMb: 512,
    timeoutSeconds: 10,
    environment: ['TABLE_NAME', 'RUNBOOK_CATALOG'],
    permissions: ['table:read', 'table:write', 'runbooks:start'],
    routes: [{ method: 'POST', path: '/incidents' }],
  },
  {
    name: 'GetIncident',
    entry: 'functions/http/get-incident.ts',
    description: 'GET /incidents/{incidentId}: the incident and its timeline',
    memoryMb: 256,
    timeoutSeconds: 10,
    environment: ['TABLE_NAME'],
    permissions: ['table:read'],
    routes: [{ method: 'GET', path: '/incidents/{incidentId}' }],
  },
  {
    name: 'RecordEvent',
    entry: 'functions/tasks/record-event.ts',
    description: 'Runbook step: appends an event to the incident trail',
    memoryMb: 256,
    timeoutSeconds: 10,
    environment: ['TABLE_NAME'],
    permissions: ['table:read', 'table:write'],
  },
  {
    name: 'SendNotification',
    entry: 'functions/tasks/send-notification.ts',
    description: 'Runbook step: emails a role or addresses and records that it did',
    memoryMb: 256,
    timeoutSeconds: 20,
    environment: ['TABLE_NAME'],
    permissions: ['table:read', 'table:write', 'mail:send'],
  },
] as const satisfies readonly FunctionSpec[];

export type FunctionName = (typeof functionRegistry)[number]['name'];

/** The `${Placeholder}` under which compiled ASL refers to a function's ARN. */
export const functionArnPlaceholder = (name: FunctionName): string => `${name}FunctionArn`;

export function functionSpec(name: string): FunctionSpec {
  const spec = functionRegistry.find((candidate) => candidate.name === name);
  if (!spec) throw new Error(`no function named ${name} in functions/registry.ts`);
  return spec;
}
