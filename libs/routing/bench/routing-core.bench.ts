/**
 * CPU per contact of the routing core alone (RoutingCore over RoutingState: the policy, the state's
 * indexes, the change sets), with no HTTP and no database: 200 agents of one department, a phone
 * call decided, answered 4 calls later and ended 64 calls later (~64 calls in progress, ~60 agents
 * in wrap-up), and one chat in five handed in, accepted and completed. The figure is process CPU
 * (`process.cpuUsage`) per call, median of `runs`; finished contacts are pruned after a minute, as
 * the service prunes them. bench:routing measures the whole service.
 *
 * Then what the lost-`abandoned` safety net costs where it works: 1,000 calls waiting (nobody free),
 * each long-polled every 20 s for 20 s — a poll's record (RoutingCore.recordPoll), and a tick that
 * checks 1,000 watched calls and hands their changed deadlines to the writer, against a tick over
 * the same line unpolled.
 */
import { performance } from 'node:perf_hooks';
import { agentRecord, at, call, telephony, world } from '../src/core/core-fixtures.js';

export interface RoutingCoreBenchFigures {
  runs: number;
  callsPerRun: number;
  /** Median CPU per phone call (decision, answered, ended; plus a fifth of a chat), µs. */
  cpuMicrosPerCall: number;
  minCpuMicrosPerCall: number;
  agentDecisionShare: number;
  /** CPU of one RoutingCore.recordPoll with 1,000 calls waiting, µs (median of `runs`). */
  cpuMicrosPerPoll: number;
  /** CPU of one tick over 1,000 waiting calls, all of them long-polled (1/20 of them since the last tick), µs. */
  cpuMicrosPerTickPolled: number;
  /** The same tick with none of the calls polled, µs. */
  cpuMicrosPerTickUnpolled: number;
}

/** 1,000 calls waiting; `polled`: each polled every 20 s (20 s long polls), ticks every second for 10 simulated minutes. */
function waitingLine(polled: boolean): { pollMicros: number; tickMicros: number } {
  const agents = Array.from({ length: 200 }, (_, i) => agentRecord(`agent-${String(i).padStart(3, '0')}`, { presence: null }));
  const { core } = world({ agents });
  const waiting = 1000;
  for (let i = 0; i < waiting; i++) core.decidePhone(call(`w${i}`, { callerId: `+35840${String(i).padStart(7, '0')}` }), at(i * 0.01));
  core.takeChanges();
  let pollMicros = 0;
  let tickMicros = 0;
  let polls = 0;
  const seconds = 600;
  for (let s = 20; s < 20 + seconds; s++) {
    const now = at(s);
    if (polled) {
      const p0 = process.cpuUsage();
      // The calls whose 20 s poll ended this second poll again.
      for (let i = s % 20; i < waiting; i += 20) core.recordPoll(`w${i}`, 20, now);
      const p = process.cpuUsage(p0);
      pollMicros += p.user + p.system;
      polls += Math.ceil((waiting - (s % 20)) / 20);
    }
    const t0 = process.cpuUsage();
    const out = core.tick(now);
    core.takeChanges();
    const t = process.cpuUsage(t0);
    tickMicros += t.user + t.system;
    if (out.unpolled) throw new Error('a polled call was taken for gone');
  }
  return { pollMicros: polls ? pollMicros / polls : 0, tickMicros: tickMicros / seconds };
}

function simulate(calls: number): { cpuMicros: number; agentDecisions: number } {
  const agents = Array.from({ length: 200 }, (_, i) => agentRecord(`agent-${String(i).padStart(3, '0')}`, { idleFor: 60 + i }));
  const { core, state } = world({ agents });
  let agentDecisions = 0;
  const step = (i: number, counted: boolean): void => {
    const now = at(i * 0.5);
    const d = core.decidePhone(call(`c${i}`, { callerId: `+35840${String(i % 5000).padStart(7, '0')}` }), now);
    if (counted && d.decision === 'agent') agentDecisions++;
    if (i >= 4) core.telephonyEvent(telephony('answered', `c${i - 4}`), now);
    if (i >= 64) core.telephonyEvent(telephony('ended', `c${i - 64}`), now);
    if (i % 5 === 0) {
      const chat = core.createContact({ channel: 'chat', queueId: 'q-chat-2', customerRef: `chat-${i % 3000}`, language: 'fi' }, now);
      if (chat.agentId) {
        const r = state.liveReservation(chat.id);
        if (r) {
          core.acceptOffer(chat.agentId, r.id, now);
          core.complete(chat.agentId, chat.id, 0, now);
        }
      }
    }
    if (i % 25 === 0) core.tick(now);
    // As the service does: finished contacts are forgotten after a while (the owner prunes every minute).
    if (i % 500 === 0) state.prune(now, 60_000);
    core.takeChanges();
  };
  const warm = 3000;
  for (let i = 0; i < warm; i++) step(i, false);
  const c0 = process.cpuUsage();
  for (let i = warm; i < warm + calls; i++) step(i, true);
  const c = process.cpuUsage(c0);
  return { cpuMicros: c.user + c.system, agentDecisions };
}

export async function main(runs = 5, calls = 20_000): Promise<RoutingCoreBenchFigures> {
  const perCall: number[] = [];
  let agentDecisions = 0;
  const t0 = performance.now();
  for (let r = 0; r < runs; r++) {
    const res = simulate(calls);
    perCall.push(res.cpuMicros / calls);
    agentDecisions += res.agentDecisions;
  }
  const sorted = [...perCall].sort((a, b) => a - b);
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const polledRuns: { pollMicros: number; tickMicros: number }[] = [];
  const unpolledTicks: number[] = [];
  for (let r = 0; r < runs; r++) {
    polledRuns.push(waitingLine(true));
    unpolledTicks.push(waitingLine(false).tickMicros);
  }
  const figures: RoutingCoreBenchFigures = {
    runs,
    callsPerRun: calls,
    cpuMicrosPerCall: sorted[Math.floor(runs / 2)]!,
    minCpuMicrosPerCall: sorted[0]!,
    agentDecisionShare: agentDecisions / (runs * calls),
    cpuMicrosPerPoll: median(polledRuns.map((p) => p.pollMicros)),
    cpuMicrosPerTickPolled: median(polledRuns.map((p) => p.tickMicros)),
    cpuMicrosPerTickUnpolled: median(unpolledTicks),
  };
  console.log(
    `routing core, 200 agents: ${figures.cpuMicrosPerCall.toFixed(1)} µs of CPU per call (median of ${runs} runs of ${calls} calls; min ${figures.minCpuMicrosPerCall.toFixed(1)} µs); ` +
      `${(100 * figures.agentDecisionShare).toFixed(0)} % of calls routed to an agent at once; ${((performance.now() - t0) / 1000).toFixed(1)} s in all`,
  );
  console.log(
    `lost-abandon net, 1,000 calls waiting: ${figures.cpuMicrosPerPoll.toFixed(2)} µs of CPU per poll recorded; a tick ${figures.cpuMicrosPerTickPolled.toFixed(0)} µs ` +
      `with every call polled (1/20 of them since the last tick) against ${figures.cpuMicrosPerTickUnpolled.toFixed(0)} µs with none (medians of ${runs} runs of 600 ticks)`,
  );
  return figures;
}
