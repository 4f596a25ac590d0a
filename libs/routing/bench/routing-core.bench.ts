/**
 * CPU per contact of the routing core alone (RoutingCore over RoutingState: the policy, the state's
 * indexes, the change sets), with no HTTP and no database: 200 agents of one department, a phone
 * call decided, answered 4 calls later and ended 64 calls later (~64 calls in progress, ~60 agents
 * in wrap-up), and one chat in five handed in, accepted and completed. The figure is process CPU
 * (`process.cpuUsage`) per call, median of `runs`; finished contacts are pruned after a minute, as
 * the service prunes them. bench:routing measures the whole service.
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
  const figures: RoutingCoreBenchFigures = {
    runs,
    callsPerRun: calls,
    cpuMicrosPerCall: sorted[Math.floor(runs / 2)]!,
    minCpuMicrosPerCall: sorted[0]!,
    agentDecisionShare: agentDecisions / (runs * calls),
  };
  console.log(
    `routing core, 200 agents: ${figures.cpuMicrosPerCall.toFixed(1)} µs of CPU per call (median of ${runs} runs of ${calls} calls; min ${figures.minCpuMicrosPerCall.toFixed(1)} µs); ` +
      `${(100 * figures.agentDecisionShare).toFixed(0)} % of calls routed to an agent at once; ${((performance.now() - t0) / 1000).toFixed(1)} s in all`,
  );
  return figures;
}
