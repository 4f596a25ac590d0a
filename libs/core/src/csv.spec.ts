import { csvField } from './csv.js';
import { toCsv as reportsCsv } from '../../reports/src/csv.js';
import { toCsv as feedbackCsv } from '../../feedback/src/csv.js';

describe('CSV fields', () => {
  it('writes numbers, booleans, dates and empty values as such', () => {
    expect([csvField(-3.5), csvField(0), csvField(Number.NaN), csvField(true), csvField(null), csvField(undefined)]).toEqual(['-3.5', '0', '', 'true', '', '']);
    expect(csvField(new Date('2026-11-25T01:00:00Z'))).toBe('2026-11-25T01:00:00.000Z');
  });

  it('quotes text holding a comma, quote or line break (RFC 4180)', () => {
    expect(csvField('Aalto, Aino')).toBe('"Aalto, Aino"');
    expect(csvField('say "moi"')).toBe('"say ""moi"""');
    expect(csvField('two\r\nlines')).toBe('"two\r\nlines"');
  });

  it('neutralises text a spreadsheet would run as a formula, in every export', () => {
    for (const s of ['=HYPERLINK("http://x","y")', '+1', '-2+3', '@SUM(A1)', '\tx']) expect(csvField(s).replace(/^"/, '')).toMatch(/^'/);
    expect(csvField('-5')).toBe("'-5");
    expect(csvField(-5)).toBe('-5');
    // The reports' and the feedback exports write fields the same way.
    expect(reportsCsv(['group', 'offered'], [{ group: '=cmd|calc', offered: 3 }])).toBe("group,offered\r\n'=cmd|calc,3\r\n");
    expect(feedbackCsv(['agent', 'nps'], [['=cmd|calc', -20]])).toBe("agent,nps\r\n'=cmd|calc,-20\r\n");
  });
});
