import { Injectable } from '@nestjs/common';
import { DomainError, notFound } from '../../../../libs/core/src/domain-error.js';
import type { ContactRow, PresenceRow } from '../../../../libs/persistence/src/repositories/routing.repository.js';
import { RoutingRepository } from '../../../../libs/persistence/src/repositories/routing.repository.js';
import { generateApiKey, hashApiKey, keyPrefix } from '../auth/api-key-secret.js';
import type { Caller } from '../auth/api-key.guard.js';
import { RoutingEngine } from '../routing/routing-engine.js';
import type { OfferDto, SetAgentStateDto, TransferContactDto } from './agent-desk.dto.js';
import { OfferDto as Offer } from './agent-desk.dto.js';

/**
 * An agent-role key acts only for the agent it is bound to (api_key_agents); other roles allowed
 * by the operation act for any agent. The binding is cached for a few seconds per key; revocation
 * is still checked on every request by the API-key guard.
 */
@Injectable()
export class AgentAccess {
  private readonly cache = new Map<string, { at: number; agentId: string | null }>();
  /** Agents known to exist, for 5 s (an unknown id is looked up every time). */
  private readonly known = new Map<string, number>();
  constructor(private readonly repo: RoutingRepository) {}

  private async exists(agentId: string): Promise<boolean> {
    const at = this.known.get(agentId);
    if (at !== undefined && Date.now() - at < 5000) return true;
    if (!(await this.repo.agentExists(agentId))) return false;
    if (this.known.size > 10_000) this.known.clear();
    this.known.set(agentId, Date.now());
    return true;
  }

  async check(caller: Caller | undefined, agentId: string): Promise<void> {
    if (!(await this.exists(agentId))) throw notFound('agent', agentId);
    if (!caller || caller.role !== 'agent') return;
    let hit = this.cache.get(caller.keyId);
    if (!hit || Date.now() - hit.at > 5000) {
      hit = { at: Date.now(), agentId: await this.repo.agentForApiKey(caller.keyId) };
      this.cache.set(caller.keyId, hit);
    }
    if (hit.agentId !== agentId) throw new DomainError('forbidden', 'auth.not_own_agent', 'An agent key may act only for its own agent');
  }
}

@Injectable()
export class SetAgentState {
  constructor(private readonly access: AgentAccess, private readonly engine: RoutingEngine) {}
  async execute(caller: Caller | undefined, agentId: string, body: SetAgentStateDto): Promise<PresenceRow> {
    await this.access.check(caller, agentId);
    return this.engine.setAgentState(agentId, body.state, body.reason ?? null);
  }
}

@Injectable()
export class GetAgentState {
  constructor(private readonly access: AgentAccess, private readonly repo: RoutingRepository) {}
  /** The agent's presence; null when it has never set a state (it is offline). */
  async execute(caller: Caller | undefined, agentId: string): Promise<PresenceRow | null> {
    await this.access.check(caller, agentId);
    return this.repo.direct.findPresence(agentId);
  }
}

@Injectable()
export class ListOffers {
  constructor(private readonly access: AgentAccess, private readonly engine: RoutingEngine) {}
  async execute(caller: Caller | undefined, agentId: string, checked = false): Promise<OfferDto[]> {
    if (!checked) await this.access.check(caller, agentId);
    // The engine answers: the in-memory one from its state (no query per poll or stream wake-up).
    return (await this.engine.offersOfAgent(agentId)).map(Offer.from);
  }
}

@Injectable()
export class AcceptOffer {
  constructor(private readonly access: AgentAccess, private readonly engine: RoutingEngine) {}
  async execute(caller: Caller | undefined, agentId: string, offerId: string): Promise<ContactRow> {
    await this.access.check(caller, agentId);
    return this.engine.acceptOffer(agentId, offerId);
  }
}

@Injectable()
export class RejectOffer {
  constructor(private readonly access: AgentAccess, private readonly engine: RoutingEngine) {}
  async execute(caller: Caller | undefined, agentId: string, offerId: string): Promise<void> {
    await this.access.check(caller, agentId);
    await this.engine.rejectOffer(agentId, offerId);
  }
}

@Injectable()
export class CompleteContact {
  constructor(private readonly access: AgentAccess, private readonly engine: RoutingEngine) {}
  async execute(caller: Caller | undefined, agentId: string, contactId: string, wrapUpSeconds?: number): Promise<ContactRow> {
    await this.access.check(caller, agentId);
    return this.engine.complete(agentId, contactId, wrapUpSeconds);
  }
}

@Injectable()
export class TransferContact {
  constructor(private readonly access: AgentAccess, private readonly engine: RoutingEngine) {}
  async execute(caller: Caller | undefined, agentId: string, contactId: string, body: TransferContactDto): Promise<ContactRow> {
    await this.access.check(caller, agentId);
    return this.engine.transfer(agentId, contactId, { agentId: body.agentId, queueId: body.queueId });
  }
}

@Injectable()
export class CreateAgentKey {
  constructor(private readonly repo: RoutingRepository) {}
  async execute(agentId: string, name: string): Promise<{ id: string; agentId: string; key: string }> {
    if (!(await this.repo.agentExists(agentId))) throw notFound('agent', agentId);
    const secret = generateApiKey();
    const id = await this.repo.createAgentKey(agentId, name, hashApiKey(secret), keyPrefix(secret));
    return { id, agentId, key: secret };
  }
}
