/**
 * PROOF: on the demo's spike day (+20 % phone volume after a letter batch) the simulator, routing
 * with libs/routing, shows the phone service level falling below 90 % in 30 s without loans, and
 * what the accepted borrowing suggestions change. Seeded; the figures are printed (and asserted).
 */
import { simulate, type SimulationResult } from '../../simulation/src/index.js';
import { type LoanSuggestion, suggestLoans } from './borrowing.js';
import { buildSpikeDay, spikeDaySimulation, type SpikeDay } from './spike-day-scenario.js';

const SEEDS = [1, 2, 3];

function suggestionsFor(spike: SpikeDay): { loans: LoanSuggestion[]; stillShort: Record<string, number[]> } {
  const loans: LoanSuggestion[] = [];
  const stillShort: Record<string, number[]> = {};
  for (const q of ['phone-en', 'phone-sv', 'phone-fi']) {
    const r = suggestLoans({
      start: new Date(spike.horizon.start.getTime() + 32 * 900_000),
      intervalSeconds: 900,
      queue: { id: q, departmentId: 'customer-service', language: q.slice(6), volumes: spike.spikeVolumes[q] as number[], ahtSeconds: 285, target: { serviceLevel: 0.9, thresholdSeconds: 30 }, available: spike.available[q] as number[] },
      candidates: spike.candidates,
      departments: spike.departments,
      options: { existingLoans: loans },
    });
    loans.push(...r.suggestions);
    stillShort[q] = r.intervalsStillShort;
  }
  return { loans, stillShort };
}

const phoneSl = (r: SimulationResult) => r.intervals.map((i) => i.byChannel.phone.serviceLevel ?? 1);
const pct = (x: number) => (x * 100).toFixed(1);

describe('spike-day borrowing proof on the demo agency', () => {
  let spike: SpikeDay;
  let plan: ReturnType<typeof suggestionsFor>;
  beforeAll(async () => {
    spike = await buildSpikeDay();
    plan = suggestionsFor(spike);
  });

  it('the customer-service plan meets a normal day (MIP coverage) and every suggestion respects the lender and the one-hour minimum', () => {
    expect(spike.plan.uncovered).toEqual([]);
    expect(spike.plan.unassigned).toEqual([]);
    for (const l of plan.loans) {
      expect(l.toInterval - l.fromInterval).toBeGreaterThanOrEqual(4);
      expect(l.lender.deadlineMissesWith ?? 0).toBe(0);
    }
    console.log(
      `spike day ${spike.day}: plan ${spike.plan.figures.mipStaffHours} staff-hours, ${spike.plan.schedule.shifts.length} shifts; ` +
        `${new Set(plan.loans.map((l) => l.employeeId)).size} people lent, ${plan.loans.length} blocks, ${plan.loans.reduce((s, l) => s + l.hours, 0)} h; ` +
        `still short (projected): ${JSON.stringify(plan.stillShort)}\n` +
        plan.loans.map((l) => `  ${l.employeeId} (${l.departmentId}) → ${l.loanWindow.queueIds?.join(',')} ${l.from.toISOString().slice(11, 16)}–${l.to.toISOString().slice(11, 16)} UTC: SL ${pct(l.serviceLevelWithout)} → ${pct(l.serviceLevelWith)} %, lender backlog at end ${l.lender.backlogAtEndWithout?.toFixed(1)} → ${l.lender.backlogAtEndWith?.toFixed(1)}`).join('\n'),
    );
  });

  it.each(SEEDS)('seed %i: most intervals below 90 %% without loans; with the suggested loans fewer than half as many', (seed) => {
    const without = phoneSl(simulate(spikeDaySimulation(spike, { volumes: spike.spikeVolumes, seed })));
    const withLoans = phoneSl(simulate(spikeDaySimulation(spike, { volumes: spike.spikeVolumes, seed, loans: plan.loans })));
    const normal = phoneSl(simulate(spikeDaySimulation(spike, { volumes: spike.normalVolumes, seed })));
    const fmt = (xs: number[]) => xs.map((x) => (x * 100).toFixed(0)).join(' ');
    console.log(`seed ${seed}\n normal  ${fmt(normal)}\n spike   ${fmt(without)}\n +loans  ${fmt(withLoans)}\n below 90: normal ${normal.filter((x) => x < 0.9).length}, spike ${without.filter((x) => x < 0.9).length}, with loans ${withLoans.filter((x) => x < 0.9).length} of 40`);
    const total = (xs: SimulationResult) => xs.totals.byChannel.phone.serviceLevel ?? 1;
    console.log(` day total: normal ${pct(total(simulate(spikeDaySimulation(spike, { volumes: spike.normalVolumes, seed }))))} %, spike ${pct(total(simulate(spikeDaySimulation(spike, { volumes: spike.spikeVolumes, seed }))))} %, spike with loans ${pct(total(simulate(spikeDaySimulation(spike, { volumes: spike.spikeVolumes, seed, loans: plan.loans }))))} %`);
    // Without loans most of the day misses 90 % in 30 s.
    expect(without.filter((x) => x < 0.9).length).toBeGreaterThan(15);
    // With the loans far fewer intervals miss it — but NOT every interval (see the README: the
    // demo's 11 phone-trained lenders cannot cover 17:00–18:00 nor the whole +20 %).
    expect(withLoans.filter((x) => x < 0.9).length).toBeLessThan(without.filter((x) => x < 0.9).length / 2);
  });
});
