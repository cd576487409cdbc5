import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { functionRegistry, type FunctionName } from '../../functions/registry.js';
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
