import { randomBytes } from 'node:crypto';
import { assertScheduleTimezone, parseScheduleExpression } from '../../functions/domain/schedule/expression.js';
import type { BackupCatalog, RestoreTestingPlan, RestoreTestingPointSelection, RestoreTestingSelection } from './catalog.js';
import { invalidValue, missing, notFound, optionalString, requiredString, seconds } from './request-fields.js';
import type { BackupResourceKind } from './resource-kind.js';
import { BackupServiceError, type BackupResponse, type BackupRoute } from './rest-json.js';
import type { RestoreTestingRunner } from './restore-testing-runner.js';
import { withOverrides } from './restore-testing-runner.js';

/*
 * AWS Backup's restore testing API (backup-2018-11-15): Create/Get/List/Update/Delete RestoreTestingPlan and
 * RestoreTestingSelection, with the members, 201/204 answers and errors the API reference gives them. The plans run on
 * their schedule through the RestoreTestingRunner.
 */

export interface RestoreTestingContext {
  readonly catalog: BackupCatalog;
  readonly kinds: readonly BackupResourceKind[];
  readonly runner: RestoreTestingRunner;
  readonly account: string;
  readonly region: string;
  readonly now: () => number;
}

/** RestoreTestingPlanName / RestoreTestingSelectionName: "only alphanumeric characters and underscores" (1-50, as the providers check). */
const NAME = /^[A-Za-z0-9_]{1,50}$/;
const CREATOR_REQUEST_ID = /^[A-Za-z0-9\-_.]{1,50}$/;
const ALGORITHMS = ['LATEST_WITHIN_WINDOW', 'RANDOM_WITHIN_WINDOW'] as const;
const POINT_TYPES = ['SNAPSHOT', 'CONTINUOUS'] as const;
/** "up to 30 specific protected resource ARNs". */
const MAX_SPECIFIC_ARNS = 30;

const ok = (body: unknown): BackupResponse => ({ status: 200, body });
const created = (body: unknown): BackupResponse => ({ status: 201, body });

function objectMember(body: Record<string, unknown>, name: string): Record<string, unknown> | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw new BackupServiceError('InvalidRequestException', `${name} must be an object`);
  return value as Record<string, unknown>;
}

function stringList(body: Record<string, unknown>, name: string): string[] | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.some((entry) => typeof entry !== 'string')) throw new BackupServiceError('InvalidRequestException', `${name} must be a list of strings`);
  return value as string[];
}

function integer(body: Record<string, unknown>, name: string, min: number, max: number): number | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) throw new BackupServiceError('InvalidRequestException', `${name} must be an integer`);
  if (value < min || value > max) throw invalidValue(`${name} ${value} must be from ${min} to ${max}`);
  return value;
}

function stringMapMember(body: Record<string, unknown>, name: string): Record<string, string> | undefined {
  const value = objectMember(body, name);
  if (value === undefined) return undefined;
  if (Object.values(value).some((entry) => typeof entry !== 'string')) throw new BackupServiceError('InvalidRequestException', `${name} must be a map of strings to strings`);
  return value as Record<string, string>;
}

function named(body: Record<string, unknown>, member: string): string {
  const name = requiredString(body, member);
  if (!NAME.test(name)) throw invalidValue(`${member} '${name}' must be 1-50 letters, digits and underscores`);
  return name;
}

/** ScheduleExpression: a cron expression (the API reference: "A CRON expression"); rate() and at() are refused. */
function cronOf(text: string): string {
  let kind: string;
  try {
    kind = parseScheduleExpression(text).kind;
  } catch (error) {
    throw invalidValue(`ScheduleExpression ${text} is not valid: ${(error as Error).message}`);
  }
  if (kind !== 'cron') throw invalidValue(`ScheduleExpression ${text} must be a cron(...) expression`);
  return text;
}

function timezoneOf(text: string): string {
  try {
    assertScheduleTimezone(text);
  } catch (error) {
    throw invalidValue(`ScheduleExpressionTimezone ${text} is not valid: ${(error as Error).message}`);
  }
  return text;
}

function pointSelectionOf(body: Record<string, unknown>): RestoreTestingPointSelection {
  const algorithm = requiredString(body, 'Algorithm');
  if (!(ALGORITHMS as readonly string[]).includes(algorithm)) throw invalidValue(`Algorithm ${algorithm} must be one of ${ALGORITHMS.join(', ')}`);
  const types = stringList(body, 'RecoveryPointTypes');
  if (!types || types.length === 0) throw missing('RecoveryPointSelection.RecoveryPointTypes');
  const wrongType = types.find((type) => !(POINT_TYPES as readonly string[]).includes(type));
  if (wrongType !== undefined) throw invalidValue(`RecoveryPointTypes ${wrongType} must be SNAPSHOT or CONTINUOUS`);
  const includeVaults = stringList(body, 'IncludeVaults');
  if (!includeVaults || includeVaults.length === 0) throw missing('RecoveryPointSelection.IncludeVaults');
  return {
    algorithm: algorithm as RestoreTestingPointSelection['algorithm'],
    recoveryPointTypes: [...new Set(types)] as RestoreTestingPointSelection['recoveryPointTypes'],
    includeVaults,
    excludeVaults: stringList(body, 'ExcludeVaults') ?? [],
    // "If not included, the value defaults to 30."
    selectionWindowDays: integer(body, 'SelectionWindowDays', 1, 365) ?? 30,
  };
}

export function restoreTestingRoutes(context: RestoreTestingContext): BackupRoute[] {
  const { catalog, runner } = context;
  const planNamed = (name: string): RestoreTestingPlan => {
    const plan = catalog.restoreTestingPlans.find((candidate) => candidate.name === name);
    if (!plan) throw notFound(`Restore testing plan ${name} does not exist`);
    return plan;
  };
  const selectionNamed = (planName: string, name: string): RestoreTestingSelection => {
    const selection = catalog.restoreTestingSelections.find((candidate) => candidate.planName === planName && candidate.name === name);
    if (!selection) throw notFound(`Restore testing selection ${name} of plan ${planName} does not exist`);
    return selection;
  };
  const kindOfType = (type: string): BackupResourceKind => {
    const kind = context.kinds.find((candidate) => candidate.resourceType === type);
    if (!kind) throw invalidValue(`ProtectedResourceType ${type} is not one the local AWS Backup restores: ${context.kinds.map((candidate) => candidate.resourceType).join(', ')}`);
    return kind;
  };
  /** What a selection may select: `*`, or up to 30 ARNs of its type; overrides that the type can restore with. */
  const checkSelection = (kind: BackupResourceKind, selection: Pick<RestoreTestingSelection, 'protectedResourceArns' | 'restoreMetadataOverrides'>, conditions: unknown): void => {
    const arns = selection.protectedResourceArns;
    if (arns.includes('*') && arns.length > 1) throw invalidValue('ProtectedResourceArns is either ["*"] or specific ARNs, not both');
    if (!arns.includes('*') && arns.length > MAX_SPECIFIC_ARNS) throw invalidValue(`ProtectedResourceArns takes up to ${MAX_SPECIFIC_ARNS} specific ARNs`);
    const foreign = arns.find((arn) => arn !== '*' && !kind.owns(arn));
    if (foreign !== undefined) throw invalidValue(`${foreign} is not a ${kind.resourceType} resource (ProtectedResourceType)`);
    if (conditions !== undefined && !arns.includes('*')) throw invalidValue('ProtectedResourceConditions go with ProtectedResourceArns ["*"], not with specific ARNs');
    if (conditions !== undefined) throw invalidValue('the local AWS Backup selects restore testing resources by ProtectedResourceArns; ProtectedResourceConditions (tags) are not offered here');
    const problem = kind.metadataProblem(withOverrides(kind.restoreTestingMetadata({ resourceArn: '', nativeId: '' }, 'awsbackup-restore-test-check'), selection.restoreMetadataOverrides));
    if (problem) throw invalidValue(`RestoreMetadataOverrides: ${problem}`);
  };

  return [
    {
      method: 'PUT',
      path: '/restore-testing/plans',
      operation: 'CreateRestoreTestingPlan',
      handle: async ({ body }) => {
        const input = objectMember(body, 'RestoreTestingPlan');
        if (!input) throw missing('RestoreTestingPlan');
        const name = named(input, 'RestoreTestingPlanName');
        const creatorRequestId = optionalString(body, 'CreatorRequestId');
        if (creatorRequestId !== undefined && !CREATOR_REQUEST_ID.test(creatorRequestId)) throw invalidValue('CreatorRequestId must be 1-50 letters, digits and - _ .');
        const existing = catalog.restoreTestingPlans.find((plan) => plan.name === name);
        // A retried create (same CreatorRequestId) answers the plan it made.
        if (existing && creatorRequestId !== undefined && existing.creatorRequestId === creatorRequestId) {
          return created({ CreationTime: seconds(existing.creationTime), RestoreTestingPlanArn: existing.arn, RestoreTestingPlanName: existing.name });
        }
        if (existing) throw new BackupServiceError('AlreadyExistsException', `Restore testing plan ${name} already exists`);
        const selection = objectMember(input, 'RecoveryPointSelection');
        if (!selection) throw missing('RestoreTestingPlan.RecoveryPointSelection');
        const plan: RestoreTestingPlan = {
          name,
          arn: `arn:aws:backup:${context.region}:${context.account}:restore-testing-plan:${name}-${randomBytes(3).toString('hex')}`,
          creationTime: context.now(),
          ...(creatorRequestId !== undefined && { creatorRequestId }),
          recoveryPointSelection: pointSelectionOf(selection),
          scheduleExpression: cronOf(requiredString(input, 'ScheduleExpression')),
          scheduleExpressionTimezone: timezoneOf(optionalString(input, 'ScheduleExpressionTimezone') ?? 'UTC'),
          // "Defaults to 24 hours", at most 168.
          startWindowHours: integer(input, 'StartWindowHours', 1, 168) ?? 24,
        };
        catalog.restoreTestingPlans.push(plan);
        await catalog.save();
        runner.arm(plan);
        return created({ CreationTime: seconds(plan.creationTime), RestoreTestingPlanArn: plan.arn, RestoreTestingPlanName: plan.name });
      },
    },
    {
      method: 'GET',
      path: '/restore-testing/plans/{RestoreTestingPlanName}',
      operation: 'GetRestoreTestingPlan',
      handle: async ({ params }) => {
        const plan = planNamed(params['RestoreTestingPlanName']!);
        return ok({
          RestoreTestingPlan: {
            CreationTime: seconds(plan.creationTime),
            CreatorRequestId: plan.creatorRequestId,
            LastExecutionTime: seconds(plan.lastExecutionTime),
            LastUpdateTime: seconds(plan.lastUpdateTime),
            RecoveryPointSelection: {
              Algorithm: plan.recoveryPointSelection.algorithm,
              RecoveryPointTypes: plan.recoveryPointSelection.recoveryPointTypes,
              IncludeVaults: plan.recoveryPointSelection.includeVaults,
              ExcludeVaults: plan.recoveryPointSelection.excludeVaults,
              SelectionWindowDays: plan.recoveryPointSelection.selectionWindowDays,
            },
            RestoreTestingPlanArn: plan.arn,
            RestoreTestingPlanName: plan.name,
            ScheduleExpression: plan.scheduleExpression,
            ScheduleExpressionTimezone: plan.scheduleExpressionTimezone,
            StartWindowHours: plan.startWindowHours,
          },
        });
      },
    },
    {
      method: 'GET',
      path: '/restore-testing/plans',
      operation: 'ListRestoreTestingPlans',
      handle: async ({ query }) => {
        const { items, NextToken } = restoreTestingPage(catalog.restoreTestingPlans, query);
        return ok({
          RestoreTestingPlans: items.map((plan) => ({
            CreationTime: seconds(plan.creationTime),
            LastExecutionTime: seconds(plan.lastExecutionTime),
            LastUpdateTime: seconds(plan.lastUpdateTime),
            RestoreTestingPlanArn: plan.arn,
            RestoreTestingPlanName: plan.name,
            ScheduleExpression: plan.scheduleExpression,
            ScheduleExpressionTimezone: plan.scheduleExpressionTimezone,
            StartWindowHours: plan.startWindowHours,
          })),
          NextToken,
        });
      },
    },
    {
      method: 'PUT',
      path: '/restore-testing/plans/{RestoreTestingPlanName}',
      operation: 'UpdateRestoreTestingPlan',
      handle: async ({ params, body }) => {
        const plan = planNamed(params['RestoreTestingPlanName']!);
        const input = objectMember(body, 'RestoreTestingPlan');
        if (!input) throw missing('RestoreTestingPlan');
        const selection = objectMember(input, 'RecoveryPointSelection');
        // Everything checked before anything changes: a refused update leaves the plan as it was.
        const update: Partial<RestoreTestingPlan> = {
          ...(selection && { recoveryPointSelection: pointSelectionOf(selection) }),
          ...(input['ScheduleExpression'] !== undefined && { scheduleExpression: cronOf(requiredString(input, 'ScheduleExpression')) }),
          ...(input['ScheduleExpressionTimezone'] !== undefined && { scheduleExpressionTimezone: timezoneOf(requiredString(input, 'ScheduleExpressionTimezone')) }),
          ...(input['StartWindowHours'] !== undefined && { startWindowHours: integer(input, 'StartWindowHours', 1, 168)! }),
        };
        Object.assign(plan, update, { lastUpdateTime: context.now() });
        await catalog.save();
        runner.arm(plan);
        return ok({ CreationTime: seconds(plan.creationTime), RestoreTestingPlanArn: plan.arn, RestoreTestingPlanName: plan.name, UpdateTime: seconds(plan.lastUpdateTime) });
      },
    },
    {
      method: 'DELETE',
      path: '/restore-testing/plans/{RestoreTestingPlanName}',
      operation: 'DeleteRestoreTestingPlan',
      handle: async ({ params }) => {
        const name = params['RestoreTestingPlanName']!;
        const plan = catalog.restoreTestingPlans.find((candidate) => candidate.name === name);
        // The API reference lists InvalidRequestException for this call (not ResourceNotFoundException).
        if (!plan) throw new BackupServiceError('InvalidRequestException', `Restore testing plan ${name} does not exist`);
        const selections = catalog.restoreTestingSelections.filter((selection) => selection.planName === name);
        if (selections.length > 0) {
          throw new BackupServiceError('InvalidRequestException', `Restore testing plan ${name} has selections (${selections.map((selection) => selection.name).join(', ')}): delete them first`);
        }
        catalog.restoreTestingPlans.splice(catalog.restoreTestingPlans.indexOf(plan), 1);
        runner.disarm(name);
        await catalog.save();
        return { status: 204 };
      },
    },
    {
      method: 'PUT',
      path: '/restore-testing/plans/{RestoreTestingPlanName}/selections',
      operation: 'CreateRestoreTestingSelection',
      handle: async ({ params, body }) => {
        const plan = planNamed(params['RestoreTestingPlanName']!);
        const input = objectMember(body, 'RestoreTestingSelection');
        if (!input) throw missing('RestoreTestingSelection');
        const name = named(input, 'RestoreTestingSelectionName');
        const kind = kindOfType(requiredString(input, 'ProtectedResourceType'));
        const creatorRequestId = optionalString(body, 'CreatorRequestId');
        const existing = catalog.restoreTestingSelections.find((selection) => selection.planName === plan.name && selection.name === name);
        if (existing && creatorRequestId !== undefined && existing.creatorRequestId === creatorRequestId) {
          return created({ CreationTime: seconds(existing.creationTime), RestoreTestingPlanArn: plan.arn, RestoreTestingPlanName: plan.name, RestoreTestingSelectionName: existing.name });
        }
        if (existing) throw new BackupServiceError('AlreadyExistsException', `Restore testing selection ${name} of plan ${plan.name} already exists`);
        const arns = stringList(input, 'ProtectedResourceArns') ?? [];
        const conditions = objectMember(input, 'ProtectedResourceConditions');
        if (arns.length === 0 && conditions === undefined) throw missing('RestoreTestingSelection.ProtectedResourceArns or ProtectedResourceConditions');
        const selection: RestoreTestingSelection = {
          planName: plan.name,
          name,
          creationTime: context.now(),
          ...(creatorRequestId !== undefined && { creatorRequestId }),
          protectedResourceType: kind.resourceType,
          iamRoleArn: requiredString(input, 'IamRoleArn'),
          protectedResourceArns: arns,
          restoreMetadataOverrides: stringMapMember(input, 'RestoreMetadataOverrides') ?? {},
          validationWindowHours: integer(input, 'ValidationWindowHours', 0, 168) ?? 0,
        };
        checkSelection(kind, selection, conditions);
        catalog.restoreTestingSelections.push(selection);
        await catalog.save();
        return created({ CreationTime: seconds(selection.creationTime), RestoreTestingPlanArn: plan.arn, RestoreTestingPlanName: plan.name, RestoreTestingSelectionName: name });
      },
    },
    {
      method: 'GET',
      path: '/restore-testing/plans/{RestoreTestingPlanName}/selections/{RestoreTestingSelectionName}',
      operation: 'GetRestoreTestingSelection',
      handle: async ({ params }) => {
        const selection = selectionNamed(params['RestoreTestingPlanName']!, params['RestoreTestingSelectionName']!);
        return ok({
          RestoreTestingSelection: {
            CreationTime: seconds(selection.creationTime),
            CreatorRequestId: selection.creatorRequestId,
            IamRoleArn: selection.iamRoleArn,
            ProtectedResourceArns: selection.protectedResourceArns,
            ProtectedResourceType: selection.protectedResourceType,
            RestoreMetadataOverrides: selection.restoreMetadataOverrides,
            RestoreTestingPlanName: selection.planName,
            RestoreTestingSelectionName: selection.name,
            ValidationWindowHours: selection.validationWindowHours,
          },
        });
      },
    },
    {
      method: 'GET',
      path: '/restore-testing/plans/{RestoreTestingPlanName}/selections',
      operation: 'ListRestoreTestingSelections',
      handle: async ({ params, query }) => {
        const plan = planNamed(params['RestoreTestingPlanName']!);
        const { items, NextToken } = restoreTestingPage(
          catalog.restoreTestingSelections.filter((selection) => selection.planName === plan.name),
          query,
        );
        return ok({
          RestoreTestingSelections: items.map((selection) => ({
            CreationTime: seconds(selection.creationTime),
            IamRoleArn: selection.iamRoleArn,
            ProtectedResourceType: selection.protectedResourceType,
            RestoreTestingPlanName: selection.planName,
            RestoreTestingSelectionName: selection.name,
            ValidationWindowHours: selection.validationWindowHours,
          })),
          NextToken,
        });
      },
    },
    {
      method: 'PUT',
      path: '/restore-testing/plans/{RestoreTestingPlanName}/selections/{RestoreTestingSelectionName}',
      operation: 'UpdateRestoreTestingSelection',
      handle: async ({ params, body }) => {
        const plan = planNamed(params['RestoreTestingPlanName']!);
        const selection = selectionNamed(plan.name, params['RestoreTestingSelectionName']!);
        const input = objectMember(body, 'RestoreTestingSelection');
        if (!input) throw missing('RestoreTestingSelection');
        const next: RestoreTestingSelection = {
          ...selection,
          ...(input['IamRoleArn'] !== undefined && { iamRoleArn: requiredString(input, 'IamRoleArn') }),
          ...(input['ProtectedResourceArns'] !== undefined && { protectedResourceArns: stringList(input, 'ProtectedResourceArns')! }),
          ...(input['RestoreMetadataOverrides'] !== undefined && { restoreMetadataOverrides: stringMapMember(input, 'RestoreMetadataOverrides')! }),
          ...(input['ValidationWindowHours'] !== undefined && { validationWindowHours: integer(input, 'ValidationWindowHours', 0, 168)! }),
        };
        checkSelection(kindOfType(selection.protectedResourceType), next, objectMember(input, 'ProtectedResourceConditions'));
        Object.assign(selection, next);
        const updateTime = context.now();
        await catalog.save();
        return ok({ CreationTime: seconds(selection.creationTime), RestoreTestingPlanArn: plan.arn, RestoreTestingPlanName: plan.name, RestoreTestingSelectionName: selection.name, UpdateTime: seconds(updateTime) });
      },
    },
    {
      method: 'DELETE',
      path: '/restore-testing/plans/{RestoreTestingPlanName}/selections/{RestoreTestingSelectionName}',
      operation: 'DeleteRestoreTestingSelection',
      handle: async ({ params }) => {
        const selection = selectionNamed(params['RestoreTestingPlanName']!, params['RestoreTestingSelectionName']!);
        catalog.restoreTestingSelections.splice(catalog.restoreTestingSelections.indexOf(selection), 1);
        await catalog.save();
        return { status: 204 };
      },
    },
  ];
}

/** Restore testing lists page with `MaxResults` and `NextToken` (capitalized, unlike the job listings). */
function restoreTestingPage<T>(items: readonly T[], query: URLSearchParams): { items: T[]; NextToken?: string } {
  const maxText = query.get('MaxResults');
  const max = maxText === null ? 1000 : Number(maxText);
  if (!Number.isInteger(max) || max < 1 || max > 1000) throw invalidValue(`MaxResults ${maxText ?? ''} must be between 1 and 1000`);
  const token = query.get('NextToken');
  const start = token === null ? 0 : Number(Buffer.from(token, 'base64url').toString('utf8'));
  if (!Number.isInteger(start) || start < 0 || start > items.length) throw invalidValue('NextToken is not a token this listing gave');
  const end = start + max;
  return { items: items.slice(start, end), ...(end < items.length && { NextToken: Buffer.from(String(end)).toString('base64url') }) };
}
