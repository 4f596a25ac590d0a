import { applyShrinkage, applyShrinkageProfile } from './shrinkage.js';

describe('shrinkage', () => {
  it('schedules ⌈agents / (1 − shrinkage)⌉ so that enough agents remain available', () => {
    expect(applyShrinkage(14, 0.3)).toBe(20);
    expect(applyShrinkage(7, 0.3)).toBe(10); // 7 / 0.7 is 10 up to floating-point noise
    expect(applyShrinkage(0, 0.5)).toBe(0);
    expect(applyShrinkage(5, 0)).toBe(5);
  });

  it('applies one shrinkage per interval when given a profile', () => {
    expect(applyShrinkageProfile([10, 10, 0], [0.2, 0.5, 0.9])).toEqual([13, 20, 0]);
    expect(applyShrinkageProfile([3, 4], 0.25)).toEqual([4, 6]);
  });

  it('rejects shrinkage of 100 % and names the interval', () => {
    expect(() => applyShrinkage(3, 1)).toThrow('shrinkage must be a fraction >= 0 and < 1');
    expect(() => applyShrinkageProfile([3, 4], [0.1, 1.2])).toThrow('shrinkage[1]');
  });
});
