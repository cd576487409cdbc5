import { describe, expect, it } from 'vitest';
import { listTaskAndWaitStates, parseDefinition, type AslDefinition } from '../../local/stepfunctions/definition.js';
import {
  ENGINE_TASK_TIMEOUT_SECONDS,
  LOCAL_PASS_RESOURCE,
  LOCAL_WAIT_RESOURCE,
  ROOT_EXECUTION_CONTEXT_KEY,
  toEngineDefinition,
} from '../../local/stepfunctions/engine-definition.js';
import { SfnError } from '../../local/stepfunctions/errors.js';
import { readReferencePath } from '../../local/stepfunctions/json-path.js';

const fn = 'arn:aws:lambda:us-east-1:000000000000:function:work';

const definition: AslDefinition = {
  StartAt: 'Respond',
  TimeoutSeconds: 3600,
  States: {
    Respond: {
      Type: 'Parallel',
      Next: 'Each',
      Branches: [
        {
          StartAt: 'Approve',
          States: {
            Approve: {
              Type: 'Task',
              Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
              Parameters: { FunctionName: fn, Payload: { 'token.$': '$$.Task.Token', 'input.$': '$$.Execution.Input', note: '$$.Execution.Input is literal here' } },
              HeartbeatSeconds: 60,
              Retry: [{ ErrorEquals: ['States.ALL'], IntervalSeconds: 10, MaxDelaySeconds: 60 }],
              End: true,
            },
          },
        },
        { StartAt: 'Clock', States: { Clock: { Type: 'Wait', SecondsPath: '$.deadline', InputPath: '$.clock', End: true } } },
      ],
    },
    Each: {
      Type: 'Map',
      Next: 'Route',
      ItemProcessor: { StartAt: 'Check', States: { Check: { Type: 'Task', Resource: fn, TimeoutSeconds: 30, End: true } } },
    },
    Route: { Type: 'Choice', Choices: [{ Not: { Variable: '$$.Execution.Name', StringEquals: 'x' }, Next: 'Flag' }], Default: 'Flag' },
    Flag: { Type: 'Pass', Result: false, End: true },
  },
};

describe('listTaskAndWaitStates', () => {
  it('finds Task and Wait states in Parallel branches and Map item processors', () => {
    expect(listTaskAndWaitStates(definition)).toEqual([
      { name: 'Approve', type: 'Task' },
      { name: 'Clock', type: 'Wait' },
      { name: 'Check', type: 'Task' },
    ]);
    expect(listTaskAndWaitStates(JSON.stringify(definition))).toHaveLength(3);
  });
});

describe('toEngineDefinition', () => {
  const engine = toEngineDefinition(definition, 10) as unknown as AslDefinition;
  const branches = engine.States['Respond']!.Branches!;
  const approve = branches[0]!.States['Approve']!;
  const clock = branches[1]!.States['Clock']!;

  it('leaves timeouts to the service: none for the engine except its longest, instead of its 60 s default', () => {
    expect(engine.TimeoutSeconds).toBeUndefined();
    expect(approve.TimeoutSeconds).toBe(ENGINE_TASK_TIMEOUT_SECONDS);
    expect(approve.HeartbeatSeconds).toBeUndefined();
    expect(engine.States['Each']!.ItemProcessor!.States['Check']!.TimeoutSeconds).toBe(ENGINE_TASK_TIMEOUT_SECONDS);
  });

  it('runs Wait states as local Tasks that keep their input and output paths', () => {
    expect(clock).toEqual({ Type: 'Task', Resource: LOCAL_WAIT_RESOURCE, TimeoutSeconds: ENGINE_TASK_TIMEOUT_SECONDS, InputPath: '$.clock', End: true });
  });

  it('runs a Pass state with a falsy Result as a local Task (the engine would ignore the Result)', () => {
    expect(engine.States['Flag']).toMatchObject({ Type: 'Task', Resource: LOCAL_PASS_RESOURCE, End: true });
  });

  it('scales Retry intervals', () => {
    expect(approve.Retry).toEqual([{ ErrorEquals: ['States.ALL'], IntervalSeconds: 1, MaxDelaySeconds: 6 }]);
  });

  it('points $$.Execution paths at the root execution, and only paths', () => {
    expect((approve['Parameters'] as { Payload: object }).Payload).toEqual({
      'token.$': '$$.Task.Token',
      'input.$': `$$.${ROOT_EXECUTION_CONTEXT_KEY}.Input`,
      note: '$$.Execution.Input is literal here',
    });
    expect(engine.States['Route']!['Choices']).toEqual([{ Not: { Variable: `$$.${ROOT_EXECUTION_CONTEXT_KEY}.Name`, StringEquals: 'x' }, Next: 'Flag' }]);
  });

  it('leaves the original definition untouched', () => {
    expect(definition.States['Respond']!.Branches![1]!.States['Clock']!.Type).toBe('Wait');
    expect(definition.TimeoutSeconds).toBe(3600);
  });
});

describe('parseDefinition', () => {
  it('accepts a valid definition and refuses what AWS or the local engine would not run', () => {
    expect(parseDefinition(JSON.stringify(definition)).StartAt).toBe('Respond');
    const refusal = (text: string): string => {
      try {
        parseDefinition(text);
      } catch (error) {
        expect(error).toBeInstanceOf(SfnError);
        return (error as SfnError).code;
      }
      throw new Error('accepted');
    };
    expect(refusal('{')).toBe('InvalidDefinition');
    expect(refusal(JSON.stringify({ StartAt: 'A', States: { A: { Type: 'Pass', Next: 'B' } } }))).toBe('InvalidDefinition');
    expect(refusal(JSON.stringify({ StartAt: 'A', States: { A: { Type: 'Pass', Assign: { x: 1 }, End: true } } }))).toBe('InvalidDefinition');
  });
});

describe('readReferencePath', () => {
  it('reads dotted and bracketed paths from the input or the context', () => {
    const input = { a: { 'b c': [10, { d: 'deep' }] } };
    expect(readReferencePath('$', input, {})).toBe(input);
    expect(readReferencePath("$.a['b c'][1].d", input, {})).toBe('deep');
    expect(readReferencePath('$.a.missing', input, {})).toBeUndefined();
    expect(readReferencePath('$$.Execution.Id', input, { Execution: { Id: 'arn' } })).toBe('arn');
    expect(() => readReferencePath('a.b', input, {})).toThrow();
  });
});
