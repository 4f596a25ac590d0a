import { at, NOW, telephony } from './core-fixtures.js';
import { answeredBeforeEnded, reportsTalkTime } from './types.js';

/**
 * Events reordered on the way: an `ended` that reports talk time on the agent's leg arrives while
 * the call still rings. The offer was made at NOW (reservation r1 to a1, the call's first decision).
 */
describe('an ended that overtook its answered', () => {
  const live = { id: 'r1', agentId: 'a1', status: 'offered' as const, offeredAt: NOW };
  const ringing = { status: 'offered' as const, kind: 'inbound' as const, decisionId: 'r1', decision: { decision: 'agent' } };
  const talked = (over: Parameters<typeof telephony>[2] = {}) =>
    telephony('ended', 'c1', { decisionId: 'r1', agentId: 'a1', leg: 'agent', hangupBy: 'caller', durationSec: 120, ts: at(130).toISOString(), ...over });

  it('was answered at its ts less the talk time', () => {
    expect(answeredBeforeEnded(talked(), live, ringing, at(131))).toEqual(at(10));
    // abandoned, the other word a PBX uses for a caller hanging up, says the same
    expect(answeredBeforeEnded(talked({ event: 'abandoned' }), live, ringing, at(131))).toEqual(at(10));
    // without ids it concerns the live offer, as an answered would
    expect(answeredBeforeEnded(talked({ decisionId: undefined, agentId: undefined }), live, ringing, at(131))).toEqual(at(10));
  });

  it('was never answered before the offer nor after now, whatever the telephony clock says', () => {
    expect(answeredBeforeEnded(talked({ durationSec: 600 }), live, ringing, at(131))).toEqual(NOW);
    expect(answeredBeforeEnded(talked({ ts: at(500).toISOString() }), live, ringing, at(131))).toEqual(at(131));
    // a ts the clock cannot read counts from now
    expect(answeredBeforeEnded(talked({ ts: 'not a time' }), live, ringing, at(131))).toEqual(at(11));
  });

  it('is no evidence without talk time on the agent leg: the call is abandoned as before', () => {
    expect(answeredBeforeEnded(talked({ durationSec: 0 }), live, ringing, at(131))).toBeNull();
    expect(answeredBeforeEnded(talked({ durationSec: undefined }), live, ringing, at(131))).toBeNull();
    // the caller's leg counts the waiting and the ringing too
    expect(answeredBeforeEnded(talked({ leg: 'caller' }), live, ringing, at(131))).toBeNull();
    expect(answeredBeforeEnded(talked({ leg: undefined }), live, ringing, at(131))).toBeNull();
    expect(answeredBeforeEnded(talked({ leg: 'fallback' }), live, ringing, at(131))).toBeNull();
    expect(reportsTalkTime(talked({ event: 'failed' }))).toBe(false);
    expect(reportsTalkTime(talked())).toBe(true);
  });

  it('is no evidence about another offer or agent, nor for a call not ringing, nor for a callback', () => {
    expect(answeredBeforeEnded(talked({ agentId: 'a2' }), live, ringing, at(131))).toBeNull();
    // the call's first decision named an earlier offer once it went to the next agent
    const second = { ...live, id: 'r2' };
    expect(answeredBeforeEnded(talked({ decisionId: 'r1' }), second, ringing, at(131))).toBeNull();
    expect(answeredBeforeEnded(talked(), null, { ...ringing, status: 'queued' }, at(131))).toBeNull();
    expect(answeredBeforeEnded(talked(), { ...live, status: 'accepted' }, { ...ringing, status: 'connected' }, at(131))).toBeNull();
    // a callback's caller hung up before it was offered: the desk answers and ends it
    expect(answeredBeforeEnded(talked(), live, { ...ringing, kind: 'callback' }, at(131))).toBeNull();
  });
});
