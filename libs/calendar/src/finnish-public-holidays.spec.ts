import { easterSunday, finnishPublicHolidays, holidaysFor } from './index.js';
import { isoWeekday } from './local-date.js';

describe('Finnish public holidays', () => {
  it('lists every holiday of 2025 with English and Finnish names, in date order', () => {
    expect(finnishPublicHolidays(2025)).toEqual([
      { date: '2025-01-01', name: "New Year's Day", localName: 'Uudenvuodenpäivä' },
      { date: '2025-01-06', name: 'Epiphany', localName: 'Loppiainen' },
      { date: '2025-04-18', name: 'Good Friday', localName: 'Pitkäperjantai' },
      { date: '2025-04-20', name: 'Easter Sunday', localName: 'Pääsiäispäivä' },
      { date: '2025-04-21', name: 'Easter Monday', localName: '2. pääsiäispäivä' },
      { date: '2025-05-01', name: 'May Day', localName: 'Vappu' },
      { date: '2025-05-29', name: 'Ascension Day', localName: 'Helatorstai' },
      { date: '2025-06-08', name: 'Whit Sunday', localName: 'Helluntaipäivä' },
      { date: '2025-06-20', name: 'Midsummer Eve', localName: 'Juhannusaatto' },
      { date: '2025-06-21', name: 'Midsummer Day', localName: 'Juhannuspäivä' },
      { date: '2025-11-01', name: "All Saints' Day", localName: 'Pyhäinpäivä' },
      { date: '2025-12-06', name: 'Independence Day', localName: 'Itsenäisyyspäivä' },
      { date: '2025-12-24', name: 'Christmas Eve', localName: 'Jouluaatto' },
      { date: '2025-12-25', name: 'Christmas Day', localName: 'Joulupäivä' },
      { date: '2025-12-26', name: "St Stephen's Day", localName: 'Tapaninpäivä' },
    ]);
  });

  it('computes Easter for known years', () => {
    expect(easterSunday(2019)).toBe('2019-04-21');
    expect(easterSunday(2024)).toBe('2024-03-31');
    expect(easterSunday(2026)).toBe('2026-04-05');
    expect(easterSunday(2038)).toBe('2038-04-25'); // latest possible
    expect(easterSunday(2285)).toBe('2285-03-22'); // earliest possible
  });

  it('moves the Easter-based holidays with Easter (2024: Good Friday in March)', () => {
    const byName = Object.fromEntries(finnishPublicHolidays(2024).map((h) => [h.name, h.date]));
    expect(byName['Good Friday']).toBe('2024-03-29');
    expect(byName['Easter Monday']).toBe('2024-04-01');
    expect(byName['Ascension Day']).toBe('2024-05-09');
    expect(byName["All Saints' Day"]).toBe('2024-11-02');
    expect(byName['Midsummer Eve']).toBe('2024-06-21');
  });

  it('keeps Midsummer on Friday/Saturday 19–26 June and All Saints on Saturday 31 Oct–6 Nov for a century', () => {
    for (let year = 2000; year <= 2100; year++) {
      const hs = finnishPublicHolidays(year);
      const get = (name: string) => hs.find((h) => h.name === name)!.date;
      const eve = get('Midsummer Eve');
      const day = get('Midsummer Day');
      const saints = get("All Saints' Day");
      expect(isoWeekday(eve)).toBe(5);
      expect(isoWeekday(day)).toBe(6);
      expect(eve >= `${year}-06-19` && eve <= `${year}-06-25`).toBe(true);
      expect(day >= `${year}-06-20` && day <= `${year}-06-26`).toBe(true);
      expect(isoWeekday(saints)).toBe(6);
      expect(saints >= `${year}-10-31` && saints <= `${year}-11-06`).toBe(true);
      expect(isoWeekday(get('Good Friday'))).toBe(5);
      expect(isoWeekday(get('Ascension Day'))).toBe(4);
      expect(hs).toHaveLength(15);
    }
  });

  it('rejects a year outside the Gregorian range', () => {
    expect(() => finnishPublicHolidays(1200)).toThrow(RangeError);
    expect(() => finnishPublicHolidays(2025.5)).toThrow(/year/);
  });
});

describe('holidaysFor', () => {
  it('returns the Finnish holidays for FI (case-insensitive)', () => {
    expect(holidaysFor('FI', 2025)).toEqual(finnishPublicHolidays(2025));
    expect(holidaysFor('fi', 2025)).toEqual(finnishPublicHolidays(2025));
  });

  it('throws for an unknown region and lists the supported ones', () => {
    expect(() => holidaysFor('NO', 2025)).toThrow(RangeError);
    expect(() => holidaysFor('NO', 2025)).toThrow(/'NO'.*supported regions: FI, SE/);
  });
});
