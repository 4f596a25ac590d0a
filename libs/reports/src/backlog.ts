/** The email backlog by age: open emails counted in wall-clock age bands, and those past their deadline. */

export const BACKLOG_AGE_BANDS = [
  { band: '0-1d', fromDays: 0, toDays: 1 },
  { band: '1-2d', fromDays: 1, toDays: 2 },
  { band: '2-5d', fromDays: 2, toDays: 5 },
  { band: '5-8d', fromDays: 5, toDays: 8 },
  { band: '8d+', fromDays: 8, toDays: Number.POSITIVE_INFINITY },
] as const;

export interface BacklogItem {
  arrivedAt: Date;
  deadline: Date;
}

export interface BacklogByAge {
  open: number;
  pastDeadline: number;
  oldestAgeSeconds: number | null;
  bands: { band: string; count: number; pastDeadline: number }[];
}

export function backlogByAge(items: readonly BacklogItem[], now: Date): BacklogByAge {
  const bands = BACKLOG_AGE_BANDS.map((b) => ({ band: b.band as string, count: 0, pastDeadline: 0 }));
  let pastDeadline = 0;
  let oldest: number | null = null;
  for (const it of items) {
    const age = Math.max(0, (now.getTime() - it.arrivedAt.getTime()) / 1000);
    oldest = oldest === null ? age : Math.max(oldest, age);
    const days = age / 86_400;
    const i = BACKLOG_AGE_BANDS.findIndex((b) => days >= b.fromDays && days < b.toDays);
    const late = it.deadline.getTime() < now.getTime();
    bands[i].count += 1;
    if (late) {
      bands[i].pastDeadline += 1;
      pastDeadline += 1;
    }
  }
  return { open: items.length, pastDeadline, oldestAgeSeconds: oldest === null ? null : Math.round(oldest), bands };
}
