/**
 * One-dimensional PostgreSQL arrays in the binary wire format (array_send/array_recv), for the
 * routing writer's `unnest($1::uuid[], $2::text[], …)` parameters. node-postgres sends a Buffer
 * parameter as binary, so PostgreSQL reads each element with the type's receive function (16 bytes
 * for a uuid, 8 for a timestamp) instead of parsing text: a contact row of ~20 fields cost its
 * backend ~3.5 µs this way against 14-31 µs read from JSON with json_to_recordset (2,000 phone
 * contacts of a bench database, the backend's CPU from /proc; BENCHMARKS.md, Routing, session 25).
 *
 * Values are checked as PostgreSQL's text input would check them — a malformed uuid, a
 * non-integer number or an invalid date throws — so a bad value fails its group, as it did as text,
 * instead of being stored as whatever bytes it made.
 */

/** Element types the writer sends; `uuid[]` (a list per row) travels as its text literal (`{a,b}`) in a text array, cast back in SQL. */
export type ElementType = 'uuid' | 'text' | 'timestamptz' | 'int2' | 'int4' | 'boolean' | 'json' | 'jsonb' | 'uuid[]';

const OIDS: Record<ElementType, number> = {
  uuid: 2950,
  text: 25,
  timestamptz: 1184,
  int2: 21,
  int4: 23,
  boolean: 16,
  json: 114,
  jsonb: 3802,
  'uuid[]': 25,
};

/** The array type a parameter of this element type is sent as (the SQL cast of its `$n`). */
export function arrayTypeOf(type: ElementType): string {
  return type === 'uuid[]' ? 'text[]' : `${type}[]`;
}

/** 2000-01-01T00:00:00Z, PostgreSQL's timestamp epoch, in Unix milliseconds. */
const PG_EPOCH_MS = 946_684_800_000;
const TWO_32 = 4_294_967_296;

const HEX = new Int8Array(128).fill(-1);
for (let i = 0; i < 10; i++) HEX[48 + i] = i;
for (let i = 0; i < 6; i++) {
  HEX[65 + i] = 10 + i;
  HEX[97 + i] = 10 + i;
}

function invalid(type: ElementType, value: unknown): Error {
  return new TypeError(`invalid ${type} value for a binary array: ${typeof value === 'string' ? JSON.stringify(value) : String(value)}`);
}

/** Writes a uuid's 16 bytes at `at`; throws unless it is 8-4-4-4-12 hexadecimal digits. */
function writeUuid(out: Buffer, at: number, v: unknown): void {
  if (typeof v !== 'string' || v.length !== 36) throw invalid('uuid', v);
  let o = at;
  for (let i = 0; i < 36; ) {
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (v.charCodeAt(i) !== 45) throw invalid('uuid', v);
      i++;
      continue;
    }
    const hi = HEX[v.charCodeAt(i)] ?? -1;
    const lo = HEX[v.charCodeAt(i + 1)] ?? -1;
    if (hi < 0 || lo < 0) throw invalid('uuid', v);
    out[o++] = (hi << 4) | lo;
    i += 2;
  }
}

/** A Date of any realm (jest's test context and node's own make different Date classes). */
const isDate = (v: unknown): v is Date => v instanceof Date || Object.prototype.toString.call(v) === '[object Date]';

function epochMs(v: unknown): number {
  const ms = isDate(v) ? v.getTime() : typeof v === 'string' ? Date.parse(v) : Number.NaN;
  if (!Number.isFinite(ms)) throw invalid('timestamptz', v);
  return ms;
}

function integer(type: 'int2' | 'int4', v: unknown): number {
  const limit = type === 'int2' ? 32_768 : TWO_32 / 2;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < -limit || v >= limit) throw invalid(type, v);
  return v;
}

/** A document's JSON text (json, jsonb): strings are taken as the text itself. */
const jsonText = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));

/** The text literal of a uuid list (`{a,b}`); PostgreSQL's uuid[] input checks the elements. */
function uuidListText(v: unknown): string {
  if (!Array.isArray(v) || v.some((e) => typeof e !== 'string' || !/^[0-9a-fA-F-]{36}$/.test(e))) throw invalid('uuid[]', v);
  return `{${v.join(',')}}`;
}

/** A one-dimensional array of `values` (null or undefined elements are NULL) in PostgreSQL's binary format. */
export function binaryArray(type: ElementType, values: readonly unknown[]): Buffer {
  const n = values.length;
  // Sizes first (texts are converted once and kept), then one buffer.
  const texts: (string | null)[] = type === 'text' || type === 'json' || type === 'jsonb' || type === 'uuid[]' ? new Array<string | null>(n) : [];
  const sizes = new Int32Array(n);
  let size = 20;
  let hasNull = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v === null || v === undefined) {
      sizes[i] = -1;
      hasNull = 1;
      size += 4;
      continue;
    }
    let s: number;
    switch (type) {
      case 'uuid':
        s = 16;
        break;
      case 'timestamptz':
        s = 8;
        break;
      case 'int4':
        s = 4;
        break;
      case 'int2':
        s = 2;
        break;
      case 'boolean':
        if (typeof v !== 'boolean') throw invalid(type, v);
        s = 1;
        break;
      case 'text':
        if (typeof v !== 'string') throw invalid(type, v);
        texts[i] = v;
        s = Buffer.byteLength(v, 'utf8');
        break;
      case 'json':
        texts[i] = jsonText(v);
        s = Buffer.byteLength(texts[i]!, 'utf8');
        break;
      case 'jsonb':
        texts[i] = jsonText(v);
        s = 1 + Buffer.byteLength(texts[i]!, 'utf8');
        break;
      case 'uuid[]':
        texts[i] = uuidListText(v);
        s = texts[i]!.length;
        break;
    }
    sizes[i] = s;
    size += 4 + s;
  }
  const out = Buffer.allocUnsafe(size);
  out.writeInt32BE(1, 0); // dimensions
  out.writeInt32BE(hasNull, 4);
  out.writeInt32BE(OIDS[type], 8);
  out.writeInt32BE(n, 12);
  out.writeInt32BE(1, 16); // lower bound
  let at = 20;
  for (let i = 0; i < n; i++) {
    const s = sizes[i];
    out.writeInt32BE(s, at);
    at += 4;
    if (s < 0) continue;
    const v = values[i];
    switch (type) {
      case 'uuid':
        writeUuid(out, at, v);
        break;
      case 'timestamptz': {
        const us = (epochMs(v) - PG_EPOCH_MS) * 1000;
        const hi = Math.floor(us / TWO_32);
        out.writeInt32BE(hi, at);
        out.writeUInt32BE(us - hi * TWO_32, at + 4);
        break;
      }
      case 'int4':
        out.writeInt32BE(integer('int4', v), at);
        break;
      case 'int2':
        out.writeInt16BE(integer('int2', v), at);
        break;
      case 'boolean':
        out[at] = v ? 1 : 0;
        break;
      case 'jsonb':
        out[at] = 1; // jsonb's binary format: version 1, then the JSON text
        out.write(texts[i]!, at + 1, 'utf8');
        break;
      default:
        out.write(texts[i]!, at, 'utf8');
    }
    at += s;
  }
  return out;
}
