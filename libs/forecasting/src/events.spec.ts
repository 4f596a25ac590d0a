import { finnishPublicHolidays } from '../../calendar/src/holidays.js';
import { generateDemoData } from '../../demo-data/src/generate-demo-data.js';
import { demoHistoryByQueue } from '../../demo-data/src/forecast-history.js';
import { forecastAhead } from './forecast-ahead.js';

/** The demo agency (today = Monday 2026-03-02): 13 weeks of phone-fi history with letter-batch spikes. */
describe('letter-batch and after-holiday effects learned from the demo history', () => {
  const demo = generateDemoData({ today: '2026-03-02' });
  const history = demoHistoryByQueue(demo).get('phone-fi')!;
  const holidays = [2025, 2026].flatMap((y) => finnishPublicHolidays(y).map((h) => h.date));
  const past = demo.letterBatches.filter((b) => b !== demo.facts.plannedBatch);
  const run = (batches: typeof demo.letterBatches) => forecastAhead({ history, from: '2026-03-02', to: '2026-03-06', events: { holidays, letterBatches: batches } });
  const total = (r: ReturnType<typeof run>, date: string) => r.points.filter((x) => x.timestamp.startsWith(date)).reduce((a, x) => a + x.volume, 0);

  it('raises the forecast two days after a planned batch, and not without it', () => {
    expect(demo.facts.plannedBatch.sentOn).toBe('2026-03-03');
    const withPlanned = run(demo.letterBatches);
    const without = run(past);
    const lift = (d: string) => total(withPlanned, d) / total(without, d);
    const effects = withPlanned.eventEffects!;
    console.log(`demo phone-fi: uplift per 10 000 letters by lag ${effects.letterUpliftPer10k.map((e) => `${e.lag}: ${e.uplift.toFixed(3)}`).join(', ')} (truth 0, 0.032, 0.088, 0.040, 0.016, 0); after holiday ${effects.afterHoliday.toFixed(3)} (truth 0.15); planned batch lifts Thu by ${((lift('2026-03-05') - 1) * 100).toFixed(1)} % (truth 26.4 %)`);
    expect(lift('2026-03-05')).toBeGreaterThan(1.15);
    expect(lift('2026-03-02')).toBeCloseTo(1, 6);
    expect(lift('2026-03-05')).toBeGreaterThan(lift('2026-03-04'));
    expect(lift('2026-03-05')).toBeGreaterThan(lift('2026-03-06'));
  });

  it('leaves the forecast unchanged when no events are given', () => {
    const plain = forecastAhead({ history, from: '2026-03-02', to: '2026-03-06' });
    expect(plain.eventEffects).toBeUndefined();
    expect(plain.method).toBe('vuoro level×profile (default)');
  });
});
