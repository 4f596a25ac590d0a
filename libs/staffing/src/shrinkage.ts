/**
 * Shrinkage: the share of paid time in which scheduled agents are not available for contacts
 * (breaks, meetings, training, sick leave). To have `agents` available, schedule
 * ⌈agents / (1 − shrinkage)⌉.
 */
import { StaffingInputError, requireNonNegative, requireShrinkage } from './errors.js';

/** Agents to schedule so that `agents` are available after shrinkage (fraction in [0, 1)). */
export function applyShrinkage(agents: number, shrinkage: number): number {
  requireNonNegative('agents', agents);
  requireShrinkage('shrinkage', shrinkage);
  return scheduledAgents(agents, shrinkage);
}

/** Unvalidated form of {@link applyShrinkage}; tolerant of floating-point noise at whole numbers. */
export function scheduledAgents(agents: number, shrinkage: number): number {
  if (agents === 0) return 0;
  return Math.ceil(agents / (1 - shrinkage) - 1e-9);
}

/** Per-interval shrinkage: one value for all intervals or one per interval. */
export function applyShrinkageProfile(agents: readonly number[], shrinkage: number | readonly number[]): number[] {
  if (typeof shrinkage !== 'number' && (!Array.isArray(shrinkage) || shrinkage.length !== agents.length)) {
    throw new StaffingInputError('shrinkage', 'must be a number or an array as long as the intervals');
  }
  return agents.map((a, i) => {
    requireNonNegative(`agents[${i}]`, a);
    const s = typeof shrinkage === 'number' ? shrinkage : shrinkage[i];
    return scheduledAgents(a, requireShrinkage(typeof shrinkage === 'number' ? 'shrinkage' : `shrinkage[${i}]`, s));
  });
}
