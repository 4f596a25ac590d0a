/**
 * Changes other features make to what the in-memory routing engine (ROUTING_ENGINE=memory) keeps
 * loaded: agents (department, SIP URI, capacities, skills, active), loans, erased customers, and
 * queues and calendars (RoutingCatalog listens; routing settings and entry points call its
 * invalidate directly). Published after the
 * change is committed; the engine re-reads what changed — on the owner itself, or, when the change
 * was made on another instance, after that instance has told the owner (MemoryRoutingEngine
 * forwards it). `await` the publication: an erasure is answered once the owner has forgotten the
 * customer too. With the database engine nobody listens and publishing costs nothing.
 */
/**
 * customerIds 'all': any customer may have changed (the retention job); keysDeletedOf: the contacts
 * whose Idempotency-Key records the erasure deleted. 'catalog': queues, settings or entry points.
 */
export type RoutingInvalidation =
  | { kind: 'agents'; agentIds: string[] }
  | { kind: 'customers'; customerIds: string[] | 'all'; keysDeletedOf?: string[] }
  | { kind: 'catalog' };

export class RoutingInvalidations {
  private readonly listeners = new Set<(change: RoutingInvalidation) => void | Promise<void>>();

  agentsChanged(agentIds: string[]): Promise<void> {
    return this.publish({ kind: 'agents', agentIds });
  }

  customersChanged(customerIds: string[] | 'all', keysDeletedOf: string[] = []): Promise<void> {
    return this.publish({ kind: 'customers', customerIds, ...(keysDeletedOf.length ? { keysDeletedOf } : {}) });
  }

  /** A queue or calendar changed: RoutingCatalog forgets what it cached (and the in-memory engine re-reads it). */
  catalogChanged(): Promise<void> {
    return this.publish({ kind: 'catalog' });
  }

  subscribe(listener: (change: RoutingInvalidation) => void | Promise<void>): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private async publish(change: RoutingInvalidation): Promise<void> {
    await Promise.all([...this.listeners].map((listener) => listener(change)));
  }
}
