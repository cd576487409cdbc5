import { describe, expect, it } from 'vitest';
import { namedToPositional } from '../../local/rds/named-parameters.js';
import { parseQueryForm, toXml, xmlList } from '../../local/rds/query-protocol.js';
import { MAX_DUMPS_PER_ENGINE, thinDumps } from '../../local/rds/postgres-engine.js';

describe('the local RDS Query protocol', () => {
  it('reads flattened lists and structures as the SDK and the AWS CLI send them', () => {
    const form = new URLSearchParams(
      'DBClusterIdentifier=a&Tags.Tag.1.Key=team&Tags.Tag.1.Value=pay&Tags.Tag.2.Key=env&Tags.Tag.2.Value=drill' +
        '&VpcSecurityGroupIds.VpcSecurityGroupId.1=sg-1&VpcSecurityGroupIds.VpcSecurityGroupId.2=sg-2' +
        '&Filters.Filter.1.Name=db-cluster-id&Filters.Filter.1.Values.Value.1=a&Filters.Filter.1.Values.Value.2=b&TagKeys.member.1=team',
    );
    expect(parseQueryForm(form)).toEqual({
      DBClusterIdentifier: 'a',
      Tags: [{ Key: 'team', Value: 'pay' }, { Key: 'env', Value: 'drill' }],
      VpcSecurityGroupIds: ['sg-1', 'sg-2'],
      Filters: [{ Name: 'db-cluster-id', Values: ['a', 'b'] }],
      TagKeys: ['team'],
    });
  });

  it('keeps a field named like what every object inherits (__proto__, constructor) from reaching Object.prototype', () => {
    for (const form of ['__proto__.polluted=yes', 'constructor.prototype.polluted=yes', 'Tags.__proto__.1.polluted=yes', 'Tags.Tag.1.__proto__=yes']) {
      expect(() => parseQueryForm(new URLSearchParams(form)), form).toThrow(/Unknown parameter/);
    }
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('escapes every value it writes into XML, so a tag value cannot add elements', () => {
    expect(toXml('TagList', xmlList('Tag', [{ Key: 'k', Value: '</Value><Key>admin</Key><Value>' }]))).toBe('<TagList><Tag><Key>k</Key><Value>&lt;/Value&gt;&lt;Key&gt;admin&lt;/Key&gt;&lt;Value&gt;</Value></Tag></TagList>');
  });
});

describe('the local Data API binds :name parameters', () => {
  it('replaces placeholders, never inside strings, quoted names, comments, dollar quotes or :: casts', () => {
    const { text, order } = namedToPositional(`SELECT :id::int, ':id', ":id", $$ :id $$ -- :id\n, :amount /* :id */, :id`, ['id', 'amount']);
    expect(text).toBe(`SELECT $1::int, ':id', ":id", $$ :id $$ -- :id\n, $2 /* :id */, $1`);
    expect(order).toEqual(['id', 'amount']);
  });

  it('refuses a placeholder no parameter names, instead of sending it to the engine', () => {
    expect(() => namedToPositional('SELECT :missing', ['id'])).toThrow(/:missing/);
  });
});

describe('the local RDS keeps a bounded number of dumps per engine', () => {
  it('drops the dump whose neighbours are closest, keeping the window base and the newest', () => {
    const dumps = [0, 10, 11, 12, 30, 60, 61, 100].map((at) => ({ at }));
    thinDumps(dumps, 5);
    // Each drop leaves the smallest new gap: 11 (gap 2), then 10 (12), then 12 (30, where dropping 60 would leave 31).
    expect(dumps.map((dump) => dump.at)).toEqual([0, 30, 60, 61, 100]);
    const many = Array.from({ length: 1000 }, (_, index) => ({ at: index * 1000 }));
    thinDumps(many, MAX_DUMPS_PER_ENGINE);
    expect(many).toHaveLength(MAX_DUMPS_PER_ENGINE);
    expect([many[0]!.at, many.at(-1)!.at]).toEqual([0, 999_000]);
  });
});
