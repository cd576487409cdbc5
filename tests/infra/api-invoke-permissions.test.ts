import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { functionRegistry, type FunctionName } from '../../functions/registry.js';
import { API_FUNCTION_TAG } from '../../lib/functions.js';
import { renderCfn, synthesizeIrdr, type SynthesizedIrdr, type TemplateResource } from './synthesized-app.js';

let synth: SynthesizedIrdr;
beforeAll(() => {
  synth = synthesizeIrdr({ bundle: false });
});
afterAll(() => {
  if (synth) rmSync(synth.outdir, { recursive: true, force: true });
});

const apiFunctions = functionRegistry.flatMap((spec) => ('routes' in spec && spec.routes ? [{ name: spec.name as FunctionName, routes: spec.routes }] : []));

/** Every resource-policy entry (Lambda::Permission) of a function, however the template names the function. */
function permissionsOf(name: FunctionName): TemplateResource[] {
  const functionId = synth.logicalIdOf(synth.stack.functions.get(name));
  const namesFunction = (value: unknown): boolean => ['${' + functionId + '}', '${' + functionId + '.Arn}'].includes(renderCfn(value));
  return Object.values(synth.resources).filter((resource) => resource.Type === 'AWS::Lambda::Permission' && namesFunction(resource.Properties?.FunctionName));
}

describe('who may invoke an API function (its resource policy)', () => {
  it('has API functions to check', () => {
    expect(apiFunctions.length).toBeGreaterThan(5);
  });

  it.each(apiFunctions)('$name: only this API, on its own routes, through API Gateway; no other principal, no function URL', ({ name, routes }) => {
    const apiId = synth.logicalIdOf(synth.stack.httpApi.api);
    const permissions = permissionsOf(name);
    // One entry per route: API Gateway's service principal, scoped to this API's id and the route (its path as declared,
    // `{param}` included, which is how an HTTP API names the route in the source ARN; any stage and method).
    expect(permissions).toHaveLength(routes.length);
    for (const permission of permissions) {
      expect(permission.Properties).toMatchObject({ Action: 'lambda:InvokeFunction', Principal: 'apigateway.amazonaws.com' });
      expect(permission.Properties?.SourceAccount ?? undefined).toBeUndefined();
      expect(permission.Properties?.FunctionUrlAuthType).toBeUndefined();
    }
    const sourceArns = permissions.map((permission) => renderCfn(permission.Properties?.SourceArn)).sort();
    const expected = routes
      .map((route) => `arn:\${AWS::Partition}:execute-api:\${AWS::Region}:\${AWS::AccountId}:\${${apiId}}/*/*${route.path}`)
      .sort();
    expect(sourceArns).toEqual(expected);
  });

  it('declares no function URL and no alias or version another principal could be granted on', () => {
    const types = new Set(Object.values(synth.resources).map((resource) => resource.Type));
    expect(types.has('AWS::Lambda::Url')).toBe(false);
    expect(types.has('AWS::Lambda::Alias')).toBe(false);
  });
});

describe('the tag the SCP and the permission boundary key on', () => {
  const tagsOf = (name: FunctionName): Array<{ Key: string; Value: string }> =>
    (synth.resources[synth.logicalIdOf(synth.stack.functions.get(name))]?.Properties?.Tags ?? []) as Array<{ Key: string; Value: string }>;

  it('is on every API function and on no other function', () => {
    for (const spec of functionRegistry) {
      const tagged = tagsOf(spec.name as FunctionName).some((tag) => tag.Key === API_FUNCTION_TAG.key && tag.Value === API_FUNCTION_TAG.value);
      expect({ name: spec.name, tagged }).toEqual({ name: spec.name, tagged: apiFunctions.some((api) => api.name === spec.name) });
    }
  });
});

describe('docs/caller-trust.md: the SCP and the permission boundary, as IAM evaluates them (iam-simulate)', () => {
  const ACCOUNT = '111122223333';
  const doc = readFileSync(join(import.meta.dirname, '../../docs/caller-trust.md'), 'utf8');
  const policyAfter = (marker: string): unknown => {
    const block = new RegExp(`<!-- caller-trust:${marker} -->\\s*\`\`\`json\\n([\\s\\S]*?)\`\`\``).exec(doc)?.[1];
    if (!block) throw new Error(`docs/caller-trust.md has no json block after <!-- caller-trust:${marker} -->`);
    return JSON.parse(block);
  };
  const allowsAll = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };
  const developer = `arn:aws:iam::${ACCOUNT}:role/Developer`;
  const deployRole = `arn:aws:iam::${ACCOUNT}:role/cdk-hnb659fds-cfn-exec-role-${ACCOUNT}-eu-west-1`;
  const apiFunctionArn = `arn:aws:lambda:eu-west-1:${ACCOUNT}:function:irdr-FunctionsCreateIncidentFunction7C0E07A8-AbCdEf`;
  const tagged = { [`aws:ResourceTag/${API_FUNCTION_TAG.key}`]: API_FUNCTION_TAG.value };

  async function decide(guard: 'scp' | 'boundary', principal: string, action: string, resource: string, contextVariables: Record<string, string | string[]>) {
    const policy = policyAfter(guard);
    const response = await runSimulation(
      {
        request: { principal, action, resource: { resource, accountId: ACCOUNT }, contextVariables: { 'aws:PrincipalArn': principal, ...contextVariables } },
        // The role's own policy allows everything: only the guard can deny.
        identityPolicies: [{ name: 'administrator', policy: allowsAll }],
        serviceControlPolicies:
          guard === 'scp' ? [{ orgIdentifier: 'ou-irdr', policies: [{ name: 'FullAWSAccess', policy: allowsAll }, { name: 'irdr', policy }] }] : [],
        resourceControlPolicies: [],
        ...(guard === 'boundary' && { permissionBoundaryPolicies: [{ name: 'irdr', policy }] }),
      },
      {},
    );
    if (response.resultType === 'error') throw new Error(JSON.stringify(response.errors));
    return response.overallResult;
  }

  it.each(['scp', 'boundary'] as const)('%s: a role allowed * cannot invoke a tagged API function directly, but still invokes other functions', async (guard) => {
    expect(await decide(guard, developer, 'lambda:InvokeFunction', apiFunctionArn, tagged)).toBe('ExplicitlyDenied');
    expect(await decide(guard, developer, 'lambda:InvokeFunction', `${apiFunctionArn}:live`, tagged)).toBe('ExplicitlyDenied');
    expect(await decide(guard, developer, 'lambda:InvokeAsync', apiFunctionArn, tagged)).toBe('ExplicitlyDenied');
    expect(await decide(guard, developer, 'lambda:InvokeFunction', `arn:aws:lambda:eu-west-1:${ACCOUNT}:function:some-other-function`, {})).toBe('Allowed');
  });

  it.each(['scp', 'boundary'] as const)('%s: the tag cannot be removed or overwritten to escape it', async (guard) => {
    const tagKeys = { 'aws:TagKeys': [API_FUNCTION_TAG.key] };
    expect(await decide(guard, developer, 'lambda:UntagResource', apiFunctionArn, { ...tagged, ...tagKeys })).toBe('ExplicitlyDenied');
    expect(await decide(guard, developer, 'lambda:TagResource', apiFunctionArn, { ...tagged, ...tagKeys, [`aws:RequestTag/${API_FUNCTION_TAG.key}`]: 'nobody' })).toBe('ExplicitlyDenied');
  });

  it('scp: CloudFormation\'s deploy role still tags the functions it creates', async () => {
    const tagKeys = { 'aws:TagKeys': [API_FUNCTION_TAG.key], [`aws:RequestTag/${API_FUNCTION_TAG.key}`]: API_FUNCTION_TAG.value };
    expect(await decide('scp', deployRole, 'lambda:TagResource', apiFunctionArn, tagKeys)).toBe('Allowed');
  });
});
