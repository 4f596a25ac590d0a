/**
 * The routing writer's binary array parameters (binary-arrays.ts) read back by PostgreSQL itself:
 * every element type, NULLs, timestamps before and after PostgreSQL's 2000-01-01 epoch, multi-byte
 * text and JSON documents come back as they were sent; values PostgreSQL's text input would refuse
 * are refused before anything is sent.
 */
import pg from 'pg';
import { binaryArray, arrayTypeOf, type ElementType } from '../../libs/persistence/src/routing-store/binary-arrays.js';
import { createTestDatabase, dropTestDatabase } from '../support/test-database.js';

describe('binary array parameters', () => {
  let db: { name: string; url: string };
  let client: pg.Client;

  beforeAll(async () => {
    db = await createTestDatabase();
    client = new pg.Client({ connectionString: db.url });
    await client.connect();
  });

  afterAll(async () => {
    await client?.end();
    if (db) await dropTestDatabase(db.name);
  });

  /** The elements as PostgreSQL reads them, each as its text output (or null). */
  const roundTrip = async (type: ElementType, values: unknown[]): Promise<(string | null)[]> => {
    const cast = type === 'uuid[]' ? '::uuid[]' : '';
    const { rows } = await client.query({ text: `SELECT (v${cast})::text AS v FROM unnest($1::${arrayTypeOf(type)}) WITH ORDINALITY AS x(v, n) ORDER BY n`, values: [binaryArray(type, values)] });
    return rows.map((r: { v: string | null }) => r.v);
  };

  it('reads back every element type the writer sends, NULLs included', async () => {
    expect(await roundTrip('uuid', ['5054b74b-0472-4fcc-98c4-c5c66dd5f404', null, 'ABCDEF01-2345-6789-ABCD-EF0123456789'])).toEqual([
      '5054b74b-0472-4fcc-98c4-c5c66dd5f404',
      null,
      'abcdef01-2345-6789-abcd-ef0123456789',
    ]);
    expect(await roundTrip('text', ['Äänestys – 日本', '', null, 'a"b\\c,{}'])).toEqual(['Äänestys – 日本', '', null, 'a"b\\c,{}']);
    expect(await roundTrip('int2', [0, -32768, 32767, null])).toEqual(['0', '-32768', '32767', null]);
    expect(await roundTrip('int4', [2147483647, -2147483648, 7])).toEqual(['2147483647', '-2147483648', '7']);
    expect(await roundTrip('boolean', [true, false, null])).toEqual(['true', 'false', null]);
    expect(await roundTrip('json', [{ b: 1, a: [1, 'x'] }, '{"kept":"as text"}', null])).toEqual(['{"b":1,"a":[1,"x"]}', '{"kept":"as text"}', null]);
    expect(await roundTrip('jsonb', [{ b: 1, a: 'ä' }, null])).toEqual(['{"a": "ä", "b": 1}', null]);
    expect(await roundTrip('uuid[]', [['5054b74b-0472-4fcc-98c4-c5c66dd5f404', '6322aa04-a68a-4979-881f-51dbcd8a2d6b'], [], null])).toEqual([
      '{5054b74b-0472-4fcc-98c4-c5c66dd5f404,6322aa04-a68a-4979-881f-51dbcd8a2d6b}',
      '{}',
      null,
    ]);
  });

  it('sends timestamps to the microsecond on both sides of 2000-01-01, from Dates or ISO text', async () => {
    const at = ['2026-11-24T03:27:33.336Z', '1999-12-31T23:59:59.999Z', '2000-01-01T00:00:00.000Z', '1970-01-01T00:00:00.001Z', '2100-03-01T12:00:00.5Z'];
    await client.query(`SET TIME ZONE 'UTC'`);
    const { rows } = await client.query({
      text: `SELECT to_char(v, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS v FROM unnest($1::timestamptz[]) WITH ORDINALITY AS x(v, n) ORDER BY n`,
      values: [binaryArray('timestamptz', [...at.slice(0, 4).map((s) => new Date(s)), at[4], null])],
    });
    expect(rows.map((r: { v: string | null }) => r.v)).toEqual([...at.slice(0, 4), '2100-03-01T12:00:00.500Z', null]);
  });

  it('refuses what PostgreSQL would refuse as text, instead of sending some bytes', () => {
    expect(() => binaryArray('uuid', ['agent-000'])).toThrow(/invalid uuid value/);
    expect(() => binaryArray('uuid', ['5054b74b-0472-4fcc-98c4-c5c66dd5f40g'])).toThrow(/invalid uuid value/);
    expect(() => binaryArray('uuid', ['5054b74b00472-4fcc-98c4-c5c66dd5f404'])).toThrow(/invalid uuid value/);
    expect(() => binaryArray('int2', [40000])).toThrow(/invalid int2 value/);
    expect(() => binaryArray('int4', [1.5])).toThrow(/invalid int4 value/);
    expect(() => binaryArray('timestamptz', [new Date(Number.NaN)])).toThrow(/invalid timestamptz value/);
    expect(() => binaryArray('timestamptz', ['yesterday-ish'])).toThrow(/invalid timestamptz value/);
    expect(() => binaryArray('text', [42])).toThrow(/invalid text value/);
    expect(() => binaryArray('boolean', ['true'])).toThrow(/invalid boolean value/);
    expect(() => binaryArray('uuid[]', [['not-a-uuid']])).toThrow(/invalid uuid\[\] value/);
  });
});
