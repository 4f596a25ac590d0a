import { advanceFeed } from './feed.js';

describe('feed watermark with gaps', () => {
  const now = new Date('2026-11-22T12:00:00Z');

  it('moves to the highest id seen and remembers the ids skipped below it', () => {
    expect(advanceFeed({ watermark: '10', gaps: [] }, ['11', '12', '15'], now)).toEqual({
      watermark: '15',
      gaps: [{ id: '13', since: now.toISOString() }, { id: '14', since: now.toISOString() }],
    });
  });

  it('drops a gap once its row shows up (a late commit) and forgets gaps older than the TTL (a rollback)', () => {
    const later = new Date(now.getTime() + 60_000);
    const state = { watermark: '15', gaps: [{ id: '13', since: now.toISOString() }, { id: '14', since: now.toISOString() }] };
    expect(advanceFeed(state, ['13'], later)).toEqual({ watermark: '15', gaps: [{ id: '14', since: now.toISOString() }] });
    expect(advanceFeed(state, [], new Date(now.getTime() + 11 * 60_000))).toEqual({ watermark: '15', gaps: [] });
  });

  it('stays put when nothing new was seen', () => {
    expect(advanceFeed({ watermark: '7', gaps: [] }, [], now)).toEqual({ watermark: '7', gaps: [] });
  });
});
