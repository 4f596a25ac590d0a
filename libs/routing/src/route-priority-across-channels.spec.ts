import { BusinessCalendar, finnishPublicHolidays } from '../../calendar/src/index.js';
import { contactPriority, prioritise, selectContactForAgent } from './index.js';
import { NOW, agent, contact, queue } from './spec-fixtures.js';

const phone = queue('q-phone', { channel: 'phone' });
const chat = queue('q-chat', { channel: 'chat' });
const email = queue('q-email', { channel: 'email' });
const queues = [phone, chat, email];
const order = (contacts: ReturnType<typeof contact>[]) =>
  prioritise(contacts, new Map(queues.map((q) => [q.id, q])), NOW).ordered.map((p) => p.contact.id);

describe('one priority across channels (time to breach minus start lead)', () => {
  it('a call at 25 s of a 30 s target beats a fresh chat', () => {
    expect(order([contact('fresh-chat', chat, 0), contact('call-25s', phone, 25)])).toEqual(['call-25s', 'fresh-chat']);
  });

  it('an email 5 minutes from its deadline beats a fresh chat', () => {
    const nearlyDue = contact('email-due-in-5min', email, 8 * 3600 - 300);
    expect(order([contact('fresh-chat', chat, 0), nearlyDue])).toEqual(['email-due-in-5min', 'fresh-chat']);
    const p = contactPriority(nearlyDue, email, NOW);
    expect(p.timeToBreachSeconds).toBe(300);
    expect(p.urgencySeconds).toBe(300 - 600);
  });

  it('a fresh email does not beat a waiting chat', () => {
    expect(order([contact('fresh-email', email, 0), contact('chat-10s', chat, 10)])).toEqual(['chat-10s', 'fresh-email']);
  });

  it('an email two hours from its deadline still yields to a chat that just arrived', () => {
    expect(order([contact('email-2h-left', email, 6 * 3600), contact('fresh-chat', chat, 0)])).toEqual(['fresh-chat', 'email-2h-left']);
  });

  it('an overdue call is more urgent than a call about to breach', () => {
    expect(order([contact('call-25s', phone, 25), contact('call-40s', phone, 40)])).toEqual(['call-40s', 'call-25s']);
  });

  it('breaks ties by arrival, then by id', () => {
    const a = contact('b', phone, 10);
    const b = contact('a', phone, 10);
    const c = contact('c', chat, 40); // 60 − 40 = 20 s left, same as the calls
    expect(order([c, a, b])).toEqual(['c', 'a', 'b']);
  });

  it('a priority boost moves a contact ahead by that many seconds', () => {
    expect(order([contact('call-20s', phone, 20), contact('vip-call-5s', phone, 5, { priorityBoostSeconds: 20 })])).toEqual([
      'vip-call-5s',
      'call-20s',
    ]);
  });

  it('a contact switched from email to chat keeps its original arrival and jumps the chat queue', () => {
    const switched = contact('switched', chat, 3 * 3600);
    expect(order([contact('chat-50s', chat, 50), switched])).toEqual(['switched', 'chat-50s']);
  });

  it('the agent that becomes free takes the nearly-due email before a fresh chat', () => {
    const sel = selectContactForAgent(agent('a1'), [contact('fresh-chat', chat, 0), contact('email-due', email, 8 * 3600 - 300)], queues, NOW);
    expect(sel.contactId).toBe('email-due');
    expect(sel.explanation.rule).toBe('highest-priority');
  });
});

describe('email deadlines in business time', () => {
  const calendar = new BusinessCalendar({
    timeZone: 'Europe/Helsinki',
    openingHours: ([1, 2, 3, 4, 5] as const).map((weekday) => ({ weekday, open: '08:00', close: '16:00' })),
    closedDates: finnishPublicHolidays(2025).map((h) => h.date),
  });
  const businessEmail = queue('q-email-b', { channel: 'email', serviceTarget: { percent: 90, seconds: 8 * 3600, basis: 'business' } });
  const ctx = { calendars: { 'q-email-b': calendar } };

  it('an email received Friday 15:30 is due Monday 15:30 and has 30 open minutes left at Monday 15:00', () => {
    const c = { ...contact('e1', businessEmail, 0), arrivedAt: new Date('2025-01-10T15:30:00+02:00') };
    const p = contactPriority(c, businessEmail, new Date('2025-01-13T15:00:00+02:00'), ctx);
    expect(p.deadline.toISOString()).toBe(new Date('2025-01-13T15:30:00+02:00').toISOString());
    expect(p.timeToBreachSeconds).toBe(1800);
    expect(p.basis).toBe('business');
  });

  it('does not count the weekend against the email', () => {
    const c = { ...contact('e1', businessEmail, 0), arrivedAt: new Date('2025-01-10T15:30:00+02:00') };
    const saturday = contactPriority(c, businessEmail, new Date('2025-01-11T12:00:00+02:00'), ctx);
    expect(saturday.timeToBreachSeconds).toBe(7.5 * 3600);
  });

  it('is due Tuesday when Monday is a holiday', () => {
    const c = { ...contact('e1', businessEmail, 0), arrivedAt: new Date('2025-01-03T15:30:00+02:00') };
    expect(contactPriority(c, businessEmail, NOW, ctx).deadline.toISOString()).toBe(new Date('2025-01-07T15:30:00+02:00').toISOString());
  });

  it('refuses a business-time queue without a calendar, naming the queue', () => {
    expect(() => contactPriority(contact('e1', businessEmail, 0), businessEmail, NOW)).toThrow(/q-email-b/);
  });
});

describe('precomputed deadlines', () => {
  it('uses a deadline stored on the contact instead of recomputing it', () => {
    const email = queue('q-email', { channel: 'email' });
    const c = contact('e1', email, 0, { deadline: new Date(NOW.getTime() + 900_000) });
    expect(contactPriority(c, email, NOW).timeToBreachSeconds).toBe(900);
  });
});
