/**
 * Changes other features make to what the in-memory routing engine (ROUTING_ENGINE=memory) keeps
 * loaded: agents (department, SIP URI, capacities, skills, active), loans, and erased customers.
 * Published in this process after the change is committed; the engine re-reads what changed.
 * Changes made by other instances reach the owner by its periodic refresh (RoutingOwner.REFRESH_MS).
 * With the database engine nobody listens and publishing costs nothing.
 */
/** customerIds 'all': any customer may have changed (the retention job). */
export type RoutingInvalidation = { kind: 'agents'; agentIds: string[] } | { kind: 'customers'; customerIds: string[] | 'all' };

export class RoutingInvalidations {
  private readonly listeners = new Set<(change: RoutingInvalidation) => void>();

  agentsChanged(agentIds: string[]): void {
    this.publish({ kind: 'agents', agentIds });
  }

  customersChanged(customerIds: string[] | 'all'): void {
    this.publish({ kind: 'customers', customerIds });
  }

  subscribe(listener: (change: RoutingInvalidation) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private publish(change: RoutingInvalidation): void {
    for (const listener of this.listeners) listener(change);
  }
}
