import { holidaysFor, SUPPORTED_HOLIDAY_REGIONS, swedishPublicHolidays } from './index.js';
import { isoWeekday } from './local-date.js';

/**
 * Swedish public holidays (lag 1989:253 om allmänna helgdagar, with nationaldagen from 2005) and
 * the three eves on which offices close de facto. The dates of 2024–2026 are those of the
 * published Swedish calendars.
 */
describe('Swedish public holidays', () => {
  it('lists every holiday of 2025 with English and Swedish names, in date order', () => {
    expect(swedishPublicHolidays(2025)).toEqual([
      { date: '2025-01-01', name: "New Year's Day", localName: 'Nyårsdagen' },
      { date: '2025-01-06', name: 'Epiphany', localName: 'Trettondedag jul' },
      { date: '2025-04-18', name: 'Good Friday', localName: 'Långfredagen' },
      { date: '2025-04-20', name: 'Easter Sunday', localName: 'Påskdagen' },
      { date: '2025-04-21', name: 'Easter Monday', localName: 'Annandag påsk' },
      { date: '2025-05-01', name: 'May Day', localName: 'Första maj' },
      { date: '2025-05-29', name: 'Ascension Day', localName: 'Kristi himmelsfärdsdag' },
      { date: '2025-06-06', name: 'National Day of Sweden', localName: 'Sveriges nationaldag' },
      { date: '2025-06-08', name: 'Whit Sunday', localName: 'Pingstdagen' },
      { date: '2025-06-20', name: 'Midsummer Eve', localName: 'Midsommarafton' },
      { date: '2025-06-21', name: 'Midsummer Day', localName: 'Midsommardagen' },
      { date: '2025-11-01', name: "All Saints' Day", localName: 'Alla helgons dag' },
      { date: '2025-12-24', name: 'Christmas Eve', localName: 'Julafton' },
      { date: '2025-12-25', name: 'Christmas Day', localName: 'Juldagen' },
      { date: '2025-12-26', name: "St Stephen's Day", localName: 'Annandag jul' },
      { date: '2025-12-31', name: "New Year's Eve", localName: 'Nyårsafton' },
    ]);
  });

  it('moves Easter, Ascension, Whitsun, Midsummer and All Saints with the year (2024 and 2026)', () => {
    const of = (year: number) => Object.fromEntries(swedishPublicHolidays(year).map((h) => [h.localName, h.date]));
    expect(of(2024)).toMatchObject({
      Långfredagen: '2024-03-29',
      Påskdagen: '2024-03-31',
      'Annandag påsk': '2024-04-01',
      'Kristi himmelsfärdsdag': '2024-05-09',
      Pingstdagen: '2024-05-19',
      Midsommarafton: '2024-06-21',
      Midsommardagen: '2024-06-22',
      'Alla helgons dag': '2024-11-02',
    });
    expect(of(2026)).toMatchObject({
      Långfredagen: '2026-04-03',
      Påskdagen: '2026-04-05',
      'Annandag påsk': '2026-04-06',
      'Kristi himmelsfärdsdag': '2026-05-14',
      Pingstdagen: '2026-05-24',
      'Sveriges nationaldag': '2026-06-06',
      Midsommarafton: '2026-06-19',
      Midsommardagen: '2026-06-20',
      'Alla helgons dag': '2026-10-31',
    });
  });

  it('differs from Finland where the laws differ: no Independence Day, National Day on 6 June, New Year\'s Eve closed', () => {
    const se = swedishPublicHolidays(2026).map((h) => h.date);
    const fi = holidaysFor('FI', 2026).map((h) => h.date);
    expect(se.filter((d) => !fi.includes(d))).toEqual(['2026-06-06', '2026-12-31']);
    expect(fi.filter((d) => !se.includes(d))).toEqual(['2026-12-06']);
  });

  it('keeps Midsummer on Friday/Saturday 19–26 June and All Saints on Saturday 31 Oct–6 Nov for a century', () => {
    for (let year = 2000; year <= 2100; year++) {
      const hs = swedishPublicHolidays(year);
      const get = (localName: string) => hs.find((h) => h.localName === localName)!.date;
      expect(isoWeekday(get('Midsommarafton'))).toBe(5);
      expect(get('Midsommarafton') >= `${year}-06-19` && get('Midsommarafton') <= `${year}-06-25`).toBe(true);
      expect(isoWeekday(get('Midsommardagen'))).toBe(6);
      expect(get('Midsommardagen') >= `${year}-06-20` && get('Midsommardagen') <= `${year}-06-26`).toBe(true);
      expect(isoWeekday(get('Alla helgons dag'))).toBe(6);
      expect(get('Alla helgons dag') >= `${year}-10-31` && get('Alla helgons dag') <= `${year}-11-06`).toBe(true);
      expect(isoWeekday(get('Långfredagen'))).toBe(5);
      expect(isoWeekday(get('Kristi himmelsfärdsdag'))).toBe(4);
      expect(isoWeekday(get('Pingstdagen'))).toBe(7);
      expect(hs).toHaveLength(16);
    }
  });

  it('keeps both names when two holidays fall on one date (Whit Sunday on National Day in 2049, as Ascension on May Day in FI 2008)', () => {
    expect(swedishPublicHolidays(2049).filter((h) => h.date === '2049-06-06').map((h) => h.localName)).toEqual(['Sveriges nationaldag', 'Pingstdagen']);
  });

  it('is the SE region of holidaysFor (case-insensitive), next to FI', () => {
    expect(SUPPORTED_HOLIDAY_REGIONS).toEqual(['FI', 'SE']);
    expect(holidaysFor('SE', 2025)).toEqual(swedishPublicHolidays(2025));
    expect(holidaysFor(' se ', 2025)).toEqual(swedishPublicHolidays(2025));
    expect(() => holidaysFor('NO', 2025)).toThrow(/'NO'.*supported regions: FI, SE/);
  });

  it('rejects a year outside the Gregorian range', () => {
    expect(() => swedishPublicHolidays(1500)).toThrow(RangeError);
  });
});
