import { agentRecord, at, call, NOW, secondsBefore, world } from './core-fixtures.js';
import type { CustomerRecord, PhoneDecision } from './types.js';

const NUMBER = '+358401234567';
const DAY = 86_400;
const customer = (id: string, over: Partial<CustomerRecord>): CustomerRecord => ({ id, phoneNumber: null, externalRef: null, lastAgentId: null, lastContactAt: null, ...over });
const email = (ref: string, over: { phoneNumber?: string; subject?: string } = {}) => ({ channel: 'email' as const, queueId: 'q-email', customerRef: ref, language: 'fi', ...over });

describe('RoutingCore: one customer across channels', () => {
  it('an email handed in with the number: a call from that number later prefers the agent who handled the email', () => {
    const { core, state } = world({ agents: [agentRecord('a1', { idleFor: 900 }), agentRecord('a2', { idleFor: 10 })] });
    const mail = core.createContact(email('mail-1', { phoneNumber: NUMBER }), NOW);
    // A new customer of both, inserted as any new customer: nothing for the writer to link.
    const created = state.customerByRef('mail-1')!;
    expect(state.customerByPhone(NUMBER)).toBe(created);
    expect(mail).toMatchObject({ customerId: created.id, agentId: 'a1', previousAgentId: null });
    let { changes } = core.takeChanges();
    expect(changes.customerLinks).toEqual([]);
    expect(changes.customers.get(created.id)).toEqual({ isNew: true, row: { id: created.id, phoneNumber: NUMBER, externalRef: 'mail-1', lastAgentId: null, lastContactAt: null } });

    const offer = state.liveReservation(mail.id)!;
    core.acceptOffer('a1', offer.id, at(5));
    core.complete('a1', mail.id, 0, at(65));
    expect(state.customer(created.id)).toMatchObject({ lastAgentId: 'a1', lastContactAt: at(5) });

    // a2 has been idle longer by now; the caller's previous agent is a1, through the email.
    expect(core.decidePhone(call('c1', { callerId: NUMBER }), at(120))).toMatchObject({ decision: 'agent', agentId: 'a1' });
    expect(state.contactByCallId('c1')).toMatchObject({ customerId: created.id, previousAgentId: 'a1' });
    expect(state.contactByCallId('c1')!.explanation).toMatchObject({ rule: 'previous-agent', previousAgent: { agentId: 'a1', applied: true } });
    ({ changes } = core.takeChanges());
    expect(changes.customerLinks).toEqual([]);
  });

  it("a caller who then emails with the number: the caller's customer merges into the email's, its contacts follow, and the email prefers the call's agent", () => {
    const customers = [
      customer('cust-mail', { externalRef: 'mail-1', lastAgentId: 'a2', lastContactAt: secondsBefore(NOW, 3 * DAY) }),
      customer('cust-call', { phoneNumber: NUMBER, lastAgentId: 'a1', lastContactAt: secondsBefore(NOW, DAY) }),
    ];
    const { core, state } = world({ agents: [agentRecord('a1', { idleFor: 10 }), agentRecord('a2', { idleFor: 900 })], customers });
    // A call in memory (waiting: nobody takes calls in this world but a1, who is about to get the email).
    const d = core.decidePhone(call('c1', { callerId: NUMBER }), NOW) as Extract<PhoneDecision, { decision: 'agent' }>;
    expect(d).toMatchObject({ decision: 'agent', agentId: 'a1' });
    core.takeChanges();

    const mail = core.createContact(email('mail-1', { phoneNumber: NUMBER }), at(1));
    expect(mail).toMatchObject({ customerId: 'cust-mail', previousAgentId: 'a1' });
    expect(mail.explanation).toMatchObject({ previousAgent: { agentId: 'a1' } });
    expect(state.customer('cust-call')).toBeUndefined();
    expect(state.customerByPhone(NUMBER)).toEqual({ id: 'cust-mail', phoneNumber: NUMBER, externalRef: 'mail-1', lastAgentId: 'a1', lastContactAt: secondsBefore(NOW, DAY) });
    expect(state.contactByCallId('c1')).toMatchObject({ customerId: 'cust-mail' });

    const { changes } = core.takeChanges();
    expect(changes.customerLinks).toEqual([
      expect.objectContaining({ outcome: 'merged', customer: state.customer('cust-mail'), before: { id: 'cust-mail', phoneNumber: null, externalRef: 'mail-1' }, merged: { id: 'cust-call', phoneNumber: NUMBER, externalRef: null } }),
    ]);
    // The merged row is not written (the link deletes it); the customer is an update; the call's contact carries its new customer.
    expect([...changes.customers.keys()]).toEqual(['cust-mail']);
    expect(changes.customers.get('cust-mail')!.isNew).toBe(false);
    expect(changes.contacts.get(state.contactByCallId('c1')!.id)).toEqual({ isNew: false, row: expect.objectContaining({ customerId: 'cust-mail' }) });

    // Answering the call now remembers the agent on the one customer.
    core.telephonyEvent({ event: 'answered', channel: 'phone', callId: 'c1', decisionId: d.decisionId, ts: at(2).toISOString() }, at(2));
    expect(state.customer('cust-mail')).toMatchObject({ lastAgentId: 'a1', lastContactAt: at(2) });
  });

  it('the same reference and number again link nothing: no customer change at all', () => {
    const customers = [customer('cust-1', { externalRef: 'web-1', phoneNumber: NUMBER, lastAgentId: 'a1', lastContactAt: secondsBefore(NOW, DAY) })];
    const { core } = world({ agents: [agentRecord('a1', { idleFor: 1 }), agentRecord('a2', { idleFor: 900 })], customers });
    const chat = core.createContact({ channel: 'chat', queueId: 'q-chat', customerRef: 'web-1', language: 'fi', phoneNumber: NUMBER }, NOW);
    expect(chat).toMatchObject({ customerId: 'cust-1', previousAgentId: 'a1', agentId: 'a1' });
    const { changes } = core.takeChanges();
    expect(changes.customerLinks).toEqual([]);
    expect(changes.customers.size).toBe(0);
  });

  it("linkCustomer moves a number off another reference's customer, which keeps its reference; a new reference gets a customer of its own", () => {
    const customers = [customer('cust-other', { externalRef: 'web-other', phoneNumber: NUMBER, lastAgentId: 'a1', lastContactAt: secondsBefore(NOW, 60) })];
    const { core, state } = world({ agents: [agentRecord('a1')], customers });
    expect(core.linkCustomer('crm-42', NUMBER, NOW)).toEqual({ customerId: 'id-1', outcome: 'created' });
    expect(state.customer('cust-other')).toMatchObject({ externalRef: 'web-other', phoneNumber: null, lastAgentId: 'a1' });
    expect(state.customerByPhone(NUMBER)).toEqual({ id: 'id-1', phoneNumber: NUMBER, externalRef: 'crm-42', lastAgentId: null, lastContactAt: null });
    const { changes } = core.takeChanges();
    expect(changes.customerLinks).toEqual([expect.objectContaining({ outcome: 'created', before: null, numberTakenFrom: { id: 'cust-other', phoneNumber: NUMBER, externalRef: 'web-other' } })]);
    // The link inserts the new customer; the rows are updates.
    expect(changes.customers.get('id-1')!.isNew).toBe(false);
    expect(changes.customers.get('cust-other')).toEqual({ isNew: false, row: expect.objectContaining({ phoneNumber: null }) });
    expect(core.linkCustomer('crm-42', NUMBER, at(1))).toEqual({ customerId: 'id-1', outcome: 'unchanged' });
    expect(core.takeChanges().changes.customers.size).toBe(0);
  });

  it('change sets merged before the write: a caller created and then merged away is never inserted, and its call is inserted with the customer it joined', () => {
    const customers = [customer('cust-mail', { externalRef: 'mail-1' })];
    const { core, state } = world({ agents: [agentRecord('a1')], customers });
    core.decidePhone(call('c1', { callerId: NUMBER }), NOW);
    const callerId = state.contactByCallId('c1')!.customerId!;
    core.linkCustomer('mail-1', NUMBER, at(1));
    // One take over both operations, as the writer merges a group.
    const { changes } = core.takeChanges();
    expect(changes.customers.has(callerId)).toBe(false);
    expect(changes.customers.get('cust-mail')).toEqual({ isNew: false, row: expect.objectContaining({ phoneNumber: NUMBER }) });
    expect(changes.contacts.get(state.contactByCallId('c1')!.id)).toEqual({ isNew: true, row: expect.objectContaining({ customerId: 'cust-mail' }) });
    expect(changes.customerLinks.map((l) => [l.outcome, l.merged?.id])).toEqual([['merged', callerId]]);
  });
});
