/**
 * Reading an append-only table by a bigserial watermark. Sequence numbers are handed out before
 * commit, so a row with a smaller id can become visible after a larger one: ids skipped below the
 * new watermark are kept as gaps and looked for again on the next runs, until they appear or are
 * older than `gapTtlMs` (a transaction that rolled back never fills its gap).
 */
export interface FeedGap {
  id: string;
  since: string;
}

export interface FeedPosition {
  watermark: string;
  gaps: FeedGap[];
}

export function advanceFeed(state: FeedPosition, seenIds: readonly string[], now: Date, gapTtlMs = 10 * 60_000, maxGaps = 10_000): FeedPosition {
  const wm = BigInt(state.watermark);
  const seen = new Set(seenIds.map((id) => BigInt(id)));
  let max = wm;
  for (const id of seen) if (id > max) max = id;
  const kept = state.gaps.filter((g) => !seen.has(BigInt(g.id)) && now.getTime() - Date.parse(g.since) < gapTtlMs);
  const fresh: FeedGap[] = [];
  const since = now.toISOString();
  for (let id = wm + 1n; id < max && fresh.length < maxGaps; id++) if (!seen.has(id)) fresh.push({ id: id.toString(), since });
  return { watermark: max.toString(), gaps: [...kept, ...fresh].slice(-maxGaps) };
}
