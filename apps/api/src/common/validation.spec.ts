import { ArrayMaxSize, IsArray, IsInt, IsNumber, IsString, Length, Max, Min, validate } from 'class-validator';
import { flattenValidationErrors } from './validation.js';

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
