/**
 * GET /v1/contacts (an audit's finding: a report's figures could not be checked against the contacts,
 * nor the open emails found): one queue's contacts by arrival, a range of local dates or the open
 * ones, a page at a time. On either engine (the jest project `routing-memory` runs it again).
 */
import { localDateOf } from '../../libs/calendar/src/time-zone.js';
import { addDays } from '../../libs/calendar/src/local-date.js';
import { startRoutingTestApp, type RoutingTestApp } from '../routing/routing-world.js';

describe('routing: listing a queue\'s contacts', () => {
  let r: RoutingTestApp;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    r = await startRoutingTestApp(1);
    await r.t.http.put(`/v1/agents/${r.w.agentIds[0]}/state`).set(...r.sup).send({ state: 'break', reason: 'meeting' }).expect(200);
    for (const ref of ['mail-1', 'mail-2', 'mail-3']) {
      ids[ref] = (await r.t.http.post('/v1/contacts').set(...r.tel).send({ channel: 'email', queueId: r.w.emailQueueId, customerRef: ref, language: 'fi', subject: 'Lasku' }).expect(201)).body.id;
      r.time.offsetMs += 1_000;
    }
    for (const ref of ['web-1', 'web-2']) {
      ids[ref] = (await r.t.http.post('/v1/contacts').set(...r.tel).send({ channel: 'chat', queueId: r.w.chatQueueId, customerRef: ref, language: 'fi' }).expect(201)).body.id;
      r.time.offsetMs += 1_000;
    }
    await r.t.http.post(`/v1/contacts/${ids['web-1']}/abandon`).set(...r.tel).expect(200);
  });
  afterAll(() => r.t.close());

  const list = (query: Record<string, string | number>) => r.t.http.get('/v1/contacts').query(query).set(...r.sup);
  const rules = (body: { errors: { field: string; rule: string }[] }) => body.errors.map((e) => `${e.field}:${e.rule}`);

  it('lists the open emails oldest first, with their deadlines, a page at a time', async () => {
    const all = (await list({ queueId: r.w.emailQueueId, open: 'true' }).expect(200)).body;
    expect(all).toMatchObject({ total: 3, limit: 200, offset: 0 });
    expect(all.items.map((c: { id: string }) => c.id)).toEqual([ids['mail-1'], ids['mail-2'], ids['mail-3']]);
    expect(all.items[0]).toMatchObject({ channel: 'email', status: 'queued', customerRef: 'mail-1', deadline: expect.any(String) });
    const page = (await list({ queueId: r.w.emailQueueId, open: 'true', limit: 2, offset: 2 }).expect(200)).body;
    expect(page).toMatchObject({ total: 3, limit: 2, offset: 2 });
    expect(page.items.map((c: { id: string }) => c.id)).toEqual([ids['mail-3']]);
  });

  it('lists a day\'s contacts, open or ended, by the local date they arrived', async () => {
    const first = (await list({ queueId: r.w.chatQueueId, open: 'true' }).expect(200)).body;
    expect(first.items.map((c: { id: string }) => c.id)).toEqual([ids['web-2']]);
    const day = localDateOf(Date.parse(first.items[0].arrivedAt), 'Europe/Helsinki');
    const ended = (await list({ queueId: r.w.chatQueueId, from: day, to: day, open: 'false' }).expect(200)).body;
    expect(ended.items).toEqual([expect.objectContaining({ id: ids['web-1'], status: 'abandoned', endedAt: expect.any(String) })]);
    expect((await list({ queueId: r.w.chatQueueId, from: day, to: day }).expect(200)).body.total).toBe(2);
    expect((await list({ queueId: r.w.chatQueueId, from: addDays(day, 1), to: addDays(day, 2) }).expect(200)).body).toMatchObject({ total: 0, items: [] });
  });

  it('names what is wrong with a request', async () => {
    expect(rules((await list({ queueId: r.w.chatQueueId }).expect(422)).body)).toEqual(['open:rangeOrOpen']);
    expect(rules((await list({ queueId: r.w.chatQueueId, from: '2026-11-01' }).expect(422)).body)).toEqual(['to:bothOrNeither']);
    expect(rules((await list({ queueId: r.w.chatQueueId, from: '2026-11-02', to: '2026-11-01' }).expect(422)).body)).toEqual(['to:afterFrom']);
    expect(rules((await list({ queueId: r.w.chatQueueId, from: '2026-01-01', to: '2026-03-04' }).expect(422)).body)).toEqual(['to:maxRange']);
    expect(rules((await list({ queueId: 'nope', open: 'true' }).expect(422)).body)).toEqual(['queueId:isUuid']);
    expect(rules((await list({ queueId: r.w.chatQueueId, open: 'yes' }).expect(422)).body)).toEqual(['open:isIn']);
    await list({ queueId: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b', open: 'true' }).expect(404);
  });

  it("gives a callback's number in the list, as GET /v1/contacts/{id} does, and in the answer of ending it by hand", async () => {
    // Found by an audit: the list and POST /v1/contacts/{id}/end answered callbackNumber null.
    await r.t.http.post('/v1/routing/decisions').set(...r.tel).send({ channel: 'phone', callId: 'list-cb-1', callerId: '+358409998877', callerName: '', calledNumber: '+358201234567', language: 'fi' }).expect(200);
    const callback = (await r.t.http.post('/v1/routing/callbacks').set(...r.tel).send({ callId: 'list-cb-1' }).expect(200)).body;
    const open = (await list({ queueId: r.w.phoneQueueId, open: 'true' }).expect(200)).body;
    expect(open.items).toEqual([expect.objectContaining({ id: callback.contactId, kind: 'callback', callbackNumber: '+358409998877' })]);
    const ended = (await r.t.http.post(`/v1/contacts/${callback.contactId}/end`).set(...r.sup).expect(200)).body;
    expect(ended).toMatchObject({ kind: 'callback', callbackNumber: '+358409998877', endReason: 'ended-by-supervisor' });
  });
});
