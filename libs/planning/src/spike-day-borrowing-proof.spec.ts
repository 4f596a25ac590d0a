/**
 * PROOF (issue 6): on the demo's spike day (+20 % phone volume after a letter batch) the simulator,
 * routing with libs/routing, shows the phone service level below 90 % in 30 s in spike intervals
 * without help, and every interval at or above it with the accepted suggestions — evaluated on
 * seeds that were NOT used to build the plan or the suggestions.
 *
 * Build seeds 1–20: the customer-service plan's margin and the suggestions' margin are found by
 * simulating on them (see spike-day-scenario.ts and spike-day-suggestions.ts). Evaluation seeds
 * 21–23: fresh simulations of the normal day, the spike day without help and with the suggestions.
 * The planner's projected residue (need above Erlang 90 % + margin that no suggestion can cover: no
 * free trained Swedish/English speaker, no lender on shift) is printed; on the evaluation seeds the
 * simulated day nevertheless meets 90 % in every interval. Callbacks: callers who accept one are not
 * inbound calls waiting in the queue; the strict reading (they count as late) is printed too.
 */
import { simulate } from '../../simulation/src/index.js';
import { CUSTOMER_SERVICE_TEMPLATES, buildSpikeDay, OPEN_FROM_INTERVAL, phoneDayResult, PHONE_QUEUES, spikeDaySimulation, type PhoneDayResult, type SpikeDay } from './spike-day-scenario.js';
import { suggestVerifiedDay, type VerifiedDayPlan } from './spike-day-suggestions.js';

const BUILD_SEEDS = Array.from({ length: 20 }, (_, i) => i + 1);
const EVAL_SEEDS = [21, 22, 23];
const pct = (x: number) => (x * 100).toFixed(1);
const below = (r: PhoneDayResult) => r.intervals.map((x, t) => (x < 0.9 ? t : -1)).filter((t) => t >= 0);
const hhmm = (t: number) => `${String(8 + Math.floor(t / 4)).padStart(2, '0')}:${String((t % 4) * 15).padStart(2, '0')}`;

describe('spike-day proof on the demo agency (build seeds 1–20, evaluation seeds 21–23)', () => {
  let spike: SpikeDay;
  let plan: VerifiedDayPlan;
  let buildMs = 0;
  const runs = new Map<number, { normal: PhoneDayResult; without: PhoneDayResult; withHelp: PhoneDayResult }>();

  beforeAll(async () => {
    const t0 = performance.now();
    spike = await buildSpikeDay({ verifySeeds: BUILD_SEEDS });
    buildMs = performance.now() - t0;
    plan = suggestVerifiedDay(spike, spike.spikeVolumes, { buildSeeds: BUILD_SEEDS });
    for (const seed of EVAL_SEEDS) {
      runs.set(seed, {
        normal: phoneDayResult(simulate(spikeDaySimulation(spike, { volumes: spike.normalVolumes, seed }))),
        without: phoneDayResult(simulate(spikeDaySimulation(spike, { volumes: spike.spikeVolumes, seed }))),
        withHelp: phoneDayResult(simulate(spikeDaySimulation(spike, { volumes: spike.spikeVolumes, seed, actions: plan.actions })), plan.actions),
      });
    }
    const s = plan.summary;
    console.log(
      `spike day ${spike.day}: plan ${spike.plan.figures.mipStaffHours} staff-hours, ${spike.plan.schedule.shifts.length} shifts (${spike.plan.schedule.shifts.filter((x) => x.activity === 'email').length} email), ` +
        `margin found in ${spike.planVerification.rounds} rounds (+${Object.values(spike.planVerification.extraRequired).flat().reduce((a, b) => a + b, 0)} agent-intervals over Erlang 90 %), build ${(buildMs / 1000).toFixed(1)} s\n` +
        `suggestions: ${s.byKind['move-break'].count} break moves (covers ${s.byKind['move-break'].coveredDeficit}), ${s.byKind['defer-email'].count} email deferrals ${s.emailSwitchHours} h (covers ${s.byKind['defer-email'].coveredDeficit}), ` +
        `${s.byKind.callback.count} callback offers ${s.callbackCalls} calls (covers ${s.byKind.callback.coveredDeficit}), ${s.byKind.loan.count} loans: ${s.people} people ${s.loanHours} h (covers ${s.byKind.loan.coveredDeficit}) ` +
        `[deficit agent-intervals]; margin rounds ${plan.rounds}; first pass ${plan.suggestMs.toFixed(0)} ms, suggestions + verification ${(plan.totalMs / 1000).toFixed(1)} s\n` +
        `projected residue (need no suggestion can cover): ${PHONE_QUEUES.map((q) => `${q} ${(plan.remainingDeficit[q] as number[]).map((d, t) => (d ? `${hhmm(t)}:${d}` : '')).filter(Boolean).join(' ')}`).join('; ')}; ` +
        `still below the verification level on build seeds: ${plan.failingOnBuildSeeds.map(hhmm).join(' ')}\n` +
        plan.suggestions.map((x) => `  ${x.kind} ${x.queueId} ${hhmm(x.fromInterval)}–${hhmm(x.toInterval)} ${x.employeeId ?? ''} ${x.departmentId ?? ''} covers ${x.coveredDeficit}: ${x.detail}`).join('\n'),
    );
    for (const seed of EVAL_SEEDS) {
      const r = runs.get(seed)!;
      const f = (x: number[]) => x.map((v) => (v * 100).toFixed(0)).join(' ');
      console.log(
        `seed ${seed}: intervals < 90 % / day SL — normal ${below(r.normal).length} / ${pct(r.normal.day)} %, spike without ${below(r.without).length} / ${pct(r.without.day)} %, ` +
          `with suggestions ${below(r.withHelp).length} / ${pct(r.withHelp.day)} % (callers who took a callback counted as late: ${r.withHelp.intervalsStrict.filter((x) => x < 0.9).length} / ${pct(r.withHelp.dayStrict)} %; ` +
          `callbacks ${r.withHelp.callbacks.answeredWithinPromise}/${r.withHelp.callbacks.offered} within 2 h)\n normal  ${f(r.normal.intervals)}\n without ${f(r.without.intervals)}\n with    ${f(r.withHelp.intervals)}`,
      );
    }
  }, 600_000);

  it('the customer-service plan covers its requirement and passes the margin on every build seed', () => {
    expect(spike.plan.uncovered).toEqual([]);
    expect(spike.plan.unassigned).toEqual([]);
    expect(spike.planVerification.failing).toEqual([]);
  });

  it('every suggestion keeps its rules: blocks ≥ 1 h, lenders and the email desk meet their deadlines, breaks stay in their windows, callbacks within 2 h', () => {
    for (const l of plan.loans) {
      expect(l.toInterval - l.fromInterval).toBeGreaterThanOrEqual(4);
      expect(l.lender.deadlineMissesWith ?? 0).toBe(0);
    }
    for (const w of plan.actions.emailSwitches ?? []) expect(w.toInterval - w.fromInterval).toBeGreaterThanOrEqual(4);
    for (const x of plan.suggestions.filter((s) => s.kind === 'defer-email')) expect(x.detail).toMatch(/deadline misses 0$/);
    const templates = new Map(CUSTOMER_SERVICE_TEMPLATES.map((t) => [t.id, t]));
    for (const m of plan.actions.breakMoves ?? []) {
      const shift = spike.plan.schedule.shifts.find((s) => s.id === m.shiftId)!;
      const rule = templates.get(shift.templateId!)!.breaks!.find((b) => b.name === shift.breaks[m.breakIndex]!.name)!;
      expect(m.startInterval - shift.startInterval).toBeGreaterThanOrEqual(rule.earliestAfterStartMinutes / 15);
      expect(m.startInterval - shift.startInterval).toBeLessThanOrEqual(rule.latestAfterStartMinutes / 15);
    }
    for (const c of plan.actions.callbacks ?? []) {
      expect(c.toInterval).toBeGreaterThan(c.fromInterval);
      expect(c.toInterval - c.fromInterval).toBeLessThanOrEqual(8);
    }
    expect(OPEN_FROM_INTERVAL).toBe(32);
  });

  it.each(EVAL_SEEDS)('evaluation seed %i: a normal day meets 90 %% in 30 s in every interval', (seed) => {
    expect(below(runs.get(seed)!.normal)).toEqual([]);
  });

  it.each(EVAL_SEEDS)('evaluation seed %i: without help the spike pushes intervals below 90 %% in 30 s', (seed) => {
    const r = runs.get(seed)!;
    expect(below(r.without).length).toBeGreaterThan(0);
    expect(r.without.day).toBeLessThan(r.normal.day);
  });

  it.each(EVAL_SEEDS)('evaluation seed %i: with the accepted suggestions EVERY interval meets 90 %% in 30 s', (seed) => {
    const r = runs.get(seed)!;
    expect(below(r.withHelp)).toEqual([]);
    expect(r.withHelp.callbacks.answeredWithinPromise).toBe(r.withHelp.callbacks.offered);
  });
});
