import { ArrayMaxSize, IsArray, IsInt, IsNumber, IsString, Length, Max, Min, validate } from 'class-validator';
import { isSupportedLocalDate } from '../../../../libs/calendar/src/local-date.js';
import { flattenValidationErrors, isInstant } from './validation.js';

class Batch {
  @IsInt()
  @Min(1)
  @Max(10_000_000)
  letters: unknown;

  @IsString()
  @Length(1, 500)
  description: unknown;

  @IsArray()
  @ArrayMaxSize(3)
  @IsNumber({}, { each: true })
  @Min(0, { each: true })
  values: unknown;
}

const violations = async (body: Record<string, unknown>) => flattenValidationErrors(await validate(Object.assign(new Batch(), { letters: 5, description: 'x', values: [1], ...body })));

describe('flattenValidationErrors: one violation per broken rule that tells the caller something', () => {
  it('reports a value of the wrong JSON type by its type rule alone, not by the range rules it cannot be measured by', async () => {
    expect(await violations({ letters: '500' })).toEqual([{ field: 'letters', rule: 'isInt', message: 'letters must be an integer number (got a string)' }]);
    expect(await violations({ letters: null })).toEqual([{ field: 'letters', rule: 'isInt', message: 'letters must be an integer number (got null)' }]);
    expect(await violations({ description: 42 })).toEqual([{ field: 'description', rule: 'isString', message: 'description must be a string (got a number)' }]);
    expect(await violations({ values: 'abc' })).toEqual([expect.objectContaining({ field: 'values', rule: 'isArray' })]);
  });

  it('keeps every rule a value of the right type broke, and the element rules of an array', async () => {
    expect((await violations({ letters: 0.5 })).map((v) => v.rule).sort()).toEqual(['isInt', 'min']);
    expect((await violations({ values: [1, '2', -1] })).map((v) => v.rule).sort()).toEqual(['isNumber', 'min']);
  });
});

describe('isInstant: an RFC 3339 date-time with Z or an offset, on a date that exists', () => {
  it('takes the dates isSupportedLocalDate takes, and no others', () => {
    const two = (n: number) => String(n).padStart(2, '0');
    for (const year of [1899, 1900, 1904, 2000, 2026, 2028, 2100, 2999, 3000]) {
      for (let month = 0; month <= 13; month++) {
        for (let day = 0; day <= 32; day++) {
          const date = `${year}-${two(month)}-${two(day)}`;
          expect({ date, instant: isInstant(`${date}T00:00:00Z`) }).toEqual({ date, instant: isSupportedLocalDate(date) });
        }
      }
    }
  });

  it('takes a time to the second, an optional fraction, and Z or an offset; nothing else', () => {
    const taken = ['2026-11-22T10:00:05Z', '2026-11-22T10:00:05.123Z', '2026-11-22T10:00:05.123456789+02:00', '2026-11-22T23:59:59-23:59', '2026-11-22t10:00:05z'];
    const refused = ['2026-11-22T10:00:05', '2026-11-22T10:00Z', '2026-11-22 10:00:05Z', '2026-11-22T24:00:00Z', '2026-11-22T10:60:00Z', '2026-11-22T10:00:60Z', '2026-11-22T10:00:05+0200', '2026-11-22T10:00:05+24:00', '2026-11-22T10:00:05.Z', '20261122T100005Z', '2026-W47-7T10:00:00Z', '+02026-11-22T10:00:05Z', ' 2026-11-22T10:00:05Z'];
    expect(taken.filter((v) => !isInstant(v))).toEqual([]);
    expect(refused.filter((v) => isInstant(v))).toEqual([]);
    expect([null, undefined, 1795358479855, new Date()].some((v) => isInstant(v))).toBe(false);
  });
});
