import { CALL_LEGS, HANGUP_PARTIES, canonicalTelephonyValue, normalisedTelephonyEvent, reportsTalkTime, type TelephonyEventInput } from './types.js';

/**
 * `leg` and `hangupBy` of a telephony event name one of a few values, which the engines compare
 * byte for byte (reportsTalkTime: `leg === 'agent'`). The API takes them in any case and hands the
 * engines the canonical spelling, so "Agent" from a PBX means what "agent" means.
 */
describe('telephony event values: leg and hangupBy', () => {
  const ended = (over: Partial<TelephonyEventInput>): TelephonyEventInput => ({ event: 'ended', channel: 'phone', callId: 'c1', ts: '2026-11-22T10:00:05Z', ...over });

  it('names the legs the engines read and the parties that may hang up', () => {
    expect(CALL_LEGS).toEqual(['agent', 'caller', 'fallback']);
    expect(HANGUP_PARTIES).toEqual(['caller', 'agent', 'fallback', 'system']);
  });

  it('finds the canonical value whatever its case, and nothing for other values', () => {
    expect(canonicalTelephonyValue('Agent', CALL_LEGS)).toBe('agent');
    expect(canonicalTelephonyValue('CALLER', CALL_LEGS)).toBe('caller');
    expect(canonicalTelephonyValue('fallback', CALL_LEGS)).toBe('fallback');
    for (const other of ['bogus', '', ' agent', 'agents', 'system', 3, null, undefined]) expect(canonicalTelephonyValue(other, CALL_LEGS)).toBeNull();
    expect(canonicalTelephonyValue('System', HANGUP_PARTIES)).toBe('system');
  });

  it('an ended of the leg "Agent" with talk time says the call was talked, as "agent" does', () => {
    const raw = ended({ leg: 'Agent', hangupBy: 'Caller', durationSec: 120 });
    expect(reportsTalkTime(raw as never)).toBe(false); // the byte-for-byte comparison the engines make
    const ev = normalisedTelephonyEvent(raw);
    expect(ev).toEqual({ event: 'ended', channel: 'phone', callId: 'c1', ts: '2026-11-22T10:00:05Z', leg: 'agent', hangupBy: 'caller', durationSec: 120 });
    expect(reportsTalkTime(ev)).toBe(true);
  });

  it('leaves out a leg or hangupBy not given (absent or null), and keeps one it cannot name as sent, read as no leg of ours', () => {
    expect(normalisedTelephonyEvent(ended({ leg: null, hangupBy: undefined }))).toEqual({ event: 'ended', channel: 'phone', callId: 'c1', ts: '2026-11-22T10:00:05Z' });
    const odd = normalisedTelephonyEvent(ended({ leg: 'Callee', hangupBy: 'Remote-Party', durationSec: 30 }));
    expect(odd).toMatchObject({ leg: 'Callee', hangupBy: 'Remote-Party' });
    expect(reportsTalkTime(odd)).toBe(false);
  });
});
