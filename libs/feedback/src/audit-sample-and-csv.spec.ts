import { auditSample, quarterRange } from './audit-sample.js';
import { toCsv } from './csv.js';
import { retryDelaySeconds } from './delivery.js';

describe("the auditor's quarterly sample, CSV and retry backoff", () => {
  const frame = Array.from({ length: 100 }, (_, i) => ({ id: `s-${String(i).padStart(3, '0')}`, score: i % 11 }));

  it('draws the same answers from the same seed, whatever order the frame came in', () => {
    const a = auditSample(frame, 20, 7);
    const b = auditSample([...frame].reverse(), 20, 7);
    expect(a).toEqual(b);
    expect(new Set(a.map((x) => x.id)).size).toBe(20);
    expect(auditSample(frame, 20, 8)).not.toEqual(a);
    expect(auditSample(frame, 500, 7)).toHaveLength(100);
  });

  it('turns a quarter into its local dates', () => {
    expect(quarterRange('2026-Q4')).toEqual({ from: '2026-10-01', to: '2027-01-01' });
    expect(quarterRange('2027-Q1')).toEqual({ from: '2027-01-01', to: '2027-04-01' });
    expect(() => quarterRange('2026-Q5')).toThrow(RangeError);
  });

  it('writes RFC 4180 CSV and defuses spreadsheet formulas', () => {
    expect(toCsv(['a', 'b'], [['x,y', 'say "hi"'], [1.5, null], ['=SUM(A1)', true]])).toBe('a,b\r\n"x,y","say ""hi"""\r\n1.5,\r\n\'=SUM(A1),true\r\n');
    expect(toCsv(['n'], [[-12]])).toBe('n\r\n-12\r\n');
  });

  it('backs off 30 s, 60 s, 120 s … up to an hour', () => {
    expect([1, 2, 3, 4].map((a) => retryDelaySeconds(a))).toEqual([30, 60, 120, 240]);
    expect(retryDelaySeconds(50)).toBe(3600);
    expect(() => retryDelaySeconds(0)).toThrow(RangeError);
  });
});
