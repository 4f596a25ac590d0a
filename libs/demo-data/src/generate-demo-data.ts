/**
 * A believable Nordic debt-collection agency, generated from a seed: ~100 customer-service agents
 * speaking Finnish, Swedish and English, three lending departments with some phone-trained staff,
 * queues per channel and language, and per-15-minute history with weekly and daily seasonality,
 * letter-batch spikes a day or two after each mailing, Finnish public holidays and a +20 % level
 * shift part-way through (the "Covid year" of the customer material).
 */
import type { Channel } from '../../core/src/channel.js';
import { addDays, isoWeekday } from '../../calendar/src/local-date.js';
import { finnishPublicHolidays } from '../../calendar/src/holidays.js';
import { localDateOf, localInstants, localToEpoch } from '../../calendar/src/time-zone.js';
import { generateContactHistory, type DemoContactHistory } from './contact-history.js';
import { buildDemoPlan, type DemoPlan } from './demo-plan.js';
import { SeededRandom } from './random.js';

export const DEMO_TIME_ZONE = 'Europe/Helsinki';

export interface DemoDepartment { key: string; name: string; kind: 'customer-service' | 'other' }
export interface DemoSkill { key: string; kind: 'language' | 'topic' | 'training'; name: string }
export interface DemoCalendar {
  key: string;
  name: string;
  timeZone: string;
  holidayRegion: string | null;
  openingHours: { weekday: 1 | 2 | 3 | 4 | 5 | 6 | 7; open: string; close: string }[];
}
export interface DemoAgent {
  employeeNumber: string;
  displayName: string;
  departmentKey: string;
  phoneUri: string;
  timeZone: string;
  capacity: { phone: number; chat: number; email: number };
  skills: { skill: string; proficiency: number }[];
}
export interface DemoQueue {
  key: string;
  name: string;
  departmentKey: string;
  channel: Channel;
  language: 'fi' | 'sv' | 'en';
  calendarKey: string;
  target: { percent: number; seconds: number; basis: 'elapsed' | 'business' };
  requiredSkills: { skill: string; minProficiency: number }[];
}
export interface DemoEntryPoint { calledNumber: string; name: string; queueKey: string }
export interface DemoLetterBatch { departmentKey: string; sentOn: string; letters: number; description: string }
export interface DemoIntervalStatistic {
  queueKey: string;
  intervalStart: Date;
  offered: number;
  answered: number;
  abandoned: number;
  answeredWithinTarget: number;
  ahtSeconds: number | null;
}

export interface DemoData {
  departments: DemoDepartment[];
  skills: DemoSkill[];
  calendars: DemoCalendar[];
  agents: DemoAgent[];
  queues: DemoQueue[];
  /** The numbers customers call, each mapped to a phone queue (what the telephony system sends as calledNumber). */
  entryPoints: DemoEntryPoint[];
  letterBatches: DemoLetterBatch[];
  history: DemoIntervalStatistic[];
  /** Facts the demo was built around, for tests and documentation. */
  facts: { firstDay: string; lastDay: string; levelShiftFrom: string; spikeDays: string[]; plannedBatch: DemoLetterBatch };
  /** Templates, contracts, minimum staffing and the published schedules of the spike day's week (demo-plan.ts). */
  planning: DemoPlan;
  /** The routed contacts of the last `contactHistoryDays` days, with timelines and agent states (contact-history.ts). */
  contactHistory: DemoContactHistory;
}

export interface DemoDataOptions {
  seed?: number;
  /** The first day after the history (history ends the day before). Default: today in Helsinki (the demo agency's own date). */
  today?: string;
  weeks?: number;
  customerServiceAgents?: number;
  /** Days of routed contact history up to and including yesterday (default 7; 0 = none). */
  contactHistoryDays?: number;
}

const FIRST_NAMES = ['Aino', 'Eino', 'Helmi', 'Väinö', 'Venla', 'Onni', 'Sofia', 'Leo', 'Emma', 'Elias', 'Ella', 'Oliver', 'Olivia', 'Juho', 'Aada', 'Lauri', 'Linnea', 'Matti', 'Kaisa', 'Mikko', 'Saara', 'Ville', 'Noora', 'Antti', 'Elsa', 'Johan', 'Ebba', 'Axel', 'Maja', 'Oskar', 'Siiri', 'Tuomas', 'Inka', 'Petra', 'Jonas', 'Hanna'];
const LAST_NAMES = ['Virtanen', 'Korhonen', 'Mäkinen', 'Nieminen', 'Mäkelä', 'Hämäläinen', 'Laine', 'Heikkinen', 'Koskinen', 'Järvinen', 'Lehtonen', 'Lehtinen', 'Saarinen', 'Salminen', 'Heinonen', 'Niemi', 'Lindholm', 'Sjöberg', 'Nyström', 'Lindqvist', 'Holmberg', 'Eriksson', 'Karlsson', 'Wikström', 'Kallio', 'Turunen', 'Rantanen', 'Jokinen', 'Leinonen', 'Aaltonen'];

const DEPARTMENTS: DemoDepartment[] = [
  { key: 'customer-service', name: 'Customer service', kind: 'customer-service' },
  { key: 'payments', name: 'Payments', kind: 'other' },
  { key: 'legal', name: 'Legal collection', kind: 'other' },
  { key: 'back-office', name: 'Back office', kind: 'other' },
];

const SKILLS: DemoSkill[] = [
  { key: 'lang:fi', kind: 'language', name: 'Finnish' },
  { key: 'lang:sv', kind: 'language', name: 'Swedish' },
  { key: 'lang:en', kind: 'language', name: 'English' },
  { key: 'topic:payment-plans', kind: 'topic', name: 'Payment plans' },
  { key: 'topic:disputes', kind: 'topic', name: 'Disputed claims' },
  { key: 'topic:debt-advice', kind: 'topic', name: 'Debt advice' },
  { key: 'topic:estates', kind: 'topic', name: 'Estates of deceased persons' },
  { key: 'training:phone-service', kind: 'training', name: 'Phone customer-service training' },
];

const WEEKDAYS = [1, 2, 3, 4, 5] as const;
const CALENDARS: DemoCalendar[] = [
  { key: 'fi-contact-centre', name: 'Contact centre, Mon–Fri 08:00–18:00', timeZone: DEMO_TIME_ZONE, holidayRegion: 'FI', openingHours: WEEKDAYS.map((weekday) => ({ weekday, open: '08:00', close: '18:00' })) },
  { key: 'fi-office', name: 'Office hours, Mon–Fri 08:00–16:00', timeZone: DEMO_TIME_ZONE, holidayRegion: 'FI', openingHours: WEEKDAYS.map((weekday) => ({ weekday, open: '08:00', close: '16:00' })) },
];

/** Contacts per open day at the start of the history, before seasonality. */
const DAILY_VOLUME: Record<Channel, Record<'fi' | 'sv' | 'en', number>> = {
  phone: { fi: 2300, sv: 420, en: 260 },
  chat: { fi: 520, sv: 90, en: 70 },
  email: { fi: 380, sv: 70, en: 50 },
};
const AHT: Record<Channel, number> = { phone: 285, chat: 540, email: 420 };
const WEEKDAY_FACTOR: Record<number, number> = { 1: 1.28, 2: 1.08, 3: 1.0, 4: 0.95, 5: 0.79, 6: 0, 7: 0 };

/** Share of a day's phone/chat contacts in each quarter-hour 08:00–18:00 (40 slots): morning and early-afternoon peaks. */
function intradayProfile(slots: number, channel: Channel): number[] {
  const shape = Array.from({ length: slots }, (_, i) => {
    const hour = 8 + (i + 0.5) / 4;
    const morning = Math.exp(-((hour - 10.2) ** 2) / (2 * 1.1 ** 2));
    const afternoon = 0.8 * Math.exp(-((hour - 13.6) ** 2) / (2 * 1.4 ** 2));
    const evening = channel === 'chat' ? 0.35 * Math.exp(-((hour - 16.8) ** 2) / (2 * 0.9 ** 2)) : 0;
    return 0.18 + morning + afternoon + evening;
  });
  const total = shape.reduce((a, b) => a + b, 0);
  return shape.map((v) => v / total);
}

/** Emails arrive around the clock (96 quarter-hours), mostly in office hours and the evening. */
function emailProfile(): number[] {
  const shape = Array.from({ length: 96 }, (_, i) => {
    const hour = (i + 0.5) / 4;
    return 0.05 + Math.exp(-((hour - 11) ** 2) / (2 * 2.5 ** 2)) + 0.5 * Math.exp(-((hour - 20) ** 2) / (2 * 1.8 ** 2));
  });
  const total = shape.reduce((a, b) => a + b, 0);
  return shape.map((v) => v / total);
}

export function mondayOf(date: string): string {
  return addDays(date, 1 - isoWeekday(date));
}

export function generateDemoData(options: DemoDataOptions = {}): DemoData {
  const seed = options.seed ?? 20261122;
  const weeks = options.weeks ?? 13;
  const csAgents = options.customerServiceAgents ?? 100;
  // The agency's own today (Helsinki): between local midnight and 02:00/03:00 UTC is still yesterday.
  const today = options.today ?? localDateOf(Date.now(), 'Europe/Helsinki');
  const random = new SeededRandom(seed);
  const firstDay = addDays(today, -7 * weeks);
  const lastDay = addDays(today, -1);

  const agents: DemoAgent[] = [];
  const usedNames = new Set<string>();
  const nameFor = (): string => {
    for (;;) {
      const name = `${random.pick(FIRST_NAMES)} ${random.pick(LAST_NAMES)}`;
      if (!usedNames.has(name)) {
        usedNames.add(name);
        return name;
      }
      if (usedNames.size > 900) return `${name} ${usedNames.size}`;
    }
  };
  const addAgent = (departmentKey: string, skills: { skill: string; proficiency: number }[], capacity: DemoAgent['capacity']): void => {
    const number = `E${1001 + agents.length}`;
    agents.push({ employeeNumber: number, displayName: nameFor(), departmentKey, phoneUri: `sip:${number.toLowerCase()}@pbx.vuoro.example`, timeZone: DEMO_TIME_ZONE, capacity, skills });
  };
  const topics = ['topic:payment-plans', 'topic:disputes', 'topic:debt-advice', 'topic:estates'];
  for (let i = 0; i < csAgents; i++) {
    const skills = [{ skill: 'lang:fi', proficiency: random.chance(0.9) ? random.int(4, 5) : random.int(2, 3) }];
    if (i % 4 === 0 || random.chance(0.08)) skills.push({ skill: 'lang:sv', proficiency: random.int(3, 5) });
    if (random.chance(0.45)) skills.push({ skill: 'lang:en', proficiency: random.int(2, 5) });
    for (const topic of topics) if (random.chance(topic === 'topic:payment-plans' ? 0.85 : 0.35)) skills.push({ skill: topic, proficiency: random.int(1, 5) });
    skills.push({ skill: 'training:phone-service', proficiency: random.int(3, 5) });
    addAgent('customer-service', skills, { phone: 1, chat: random.pick([2, 3, 3, 4]), email: 5 });
  }
  const lenders: [string, number, string][] = [['payments', 12, 'topic:payment-plans'], ['legal', 8, 'topic:disputes'], ['back-office', 10, 'topic:estates']];
  for (const [departmentKey, count, topic] of lenders) {
    for (let i = 0; i < count; i++) {
      const crossTrained = i < Math.ceil(count / 3);
      const skills = [{ skill: 'lang:fi', proficiency: random.int(3, 5) }, { skill: topic, proficiency: random.int(3, 5) }];
      if (random.chance(0.25)) skills.push({ skill: 'lang:sv', proficiency: random.int(2, 4) });
      if (random.chance(0.4)) skills.push({ skill: 'lang:en', proficiency: random.int(2, 4) });
      if (crossTrained) skills.push({ skill: 'training:phone-service', proficiency: random.int(2, 4) });
      addAgent(departmentKey, skills, { phone: crossTrained ? 1 : 0, chat: crossTrained ? 2 : 0, email: 5 });
    }
  }

  const languageName = { fi: 'Finnish', sv: 'Swedish', en: 'English' } as const;
  const queues: DemoQueue[] = [];
  for (const channel of ['phone', 'chat', 'email'] as const) {
    for (const language of ['fi', 'sv', 'en'] as const) {
      queues.push({
        key: `${channel}-${language}`,
        name: `${channel[0].toUpperCase()}${channel.slice(1)}, ${languageName[language]}`,
        departmentKey: 'customer-service',
        channel,
        language,
        calendarKey: channel === 'email' ? 'fi-office' : 'fi-contact-centre',
        target: channel === 'phone' ? { percent: 90, seconds: 30, basis: 'elapsed' } : channel === 'chat' ? { percent: 80, seconds: 60, basis: 'elapsed' } : { percent: 90, seconds: 8 * 3600, basis: 'business' },
        requiredSkills: [{ skill: `lang:${language}`, minProficiency: 3 }],
      });
    }
  }

  // Letter batches: a mailing every other Tuesday (some on Thursdays), plus one planned for next week.
  const letterBatches: DemoLetterBatch[] = [];
  for (let day = firstDay; day < today; day = addDays(day, 1)) {
    const weekIndex = Math.floor((Date.parse(day) - Date.parse(firstDay)) / (7 * 86400000));
    const weekday = isoWeekday(day);
    if ((weekIndex % 2 === 1 && weekday === 2) || (weekIndex % 4 === 2 && weekday === 4)) {
      letterBatches.push({ departmentKey: 'customer-service', sentOn: day, letters: random.int(18, 30) * 1000, description: `Collection letters, batch ${letterBatches.length + 1}` });
    }
  }
  // The next Tuesday after today: its spike (two days later) is the demo's planning scenario.
  const plannedBatch: DemoLetterBatch = { departmentKey: 'customer-service', sentOn: addDays(today, ((2 - isoWeekday(today) + 7) % 7) || 7), letters: 30000, description: 'Planned collection letters' };
  letterBatches.push(plannedBatch);

  const holidays = new Set<string>();
  for (let y = Number(firstDay.slice(0, 4)); y <= Number(today.slice(0, 4)) + 1; y++) for (const h of finnishPublicHolidays(y)) holidays.add(h.date);

  // Uplift of a mailing of N letters on the following days (calls come a day or two after the letter).
  const upliftByDay = new Map<string, number>();
  const spikeDays: string[] = [];
  for (const batch of letterBatches) {
    const scale = batch.letters / 25000;
    [[1, 0.08], [2, 0.22], [3, 0.1], [4, 0.04]].forEach(([offset, lift]) => {
      const day = addDays(batch.sentOn, offset);
      upliftByDay.set(day, (upliftByDay.get(day) ?? 0) + lift * scale);
      if (offset === 2 && day < today) spikeDays.push(day);
    });
  }
  const levelShiftFrom = addDays(firstDay, 7 * Math.floor(weeks / 2));

  const history: DemoIntervalStatistic[] = [];
  const profiles: Record<Channel, number[]> = { phone: intradayProfile(40, 'phone'), chat: intradayProfile(40, 'chat'), email: emailProfile() };
  for (let day = firstDay; day <= lastDay; day = addDays(day, 1)) {
    const weekday = isoWeekday(day);
    const closed = holidays.has(day) || weekday > 5;
    const afterHoliday = holidays.has(addDays(day, -1)) || holidays.has(addDays(day, -3));
    const level = (day >= levelShiftFrom ? 1.2 : 1) * (1 + (upliftByDay.get(day) ?? 0)) * (afterHoliday && !closed ? 1.15 : 1);
    const dayNoise = Math.exp(random.normal(0, 0.04));
    for (const queue of queues) {
      const channel = queue.channel;
      const isEmail = channel === 'email';
      if (closed && !isEmail) continue;
      const profile = profiles[channel];
      const expectedDay = DAILY_VOLUME[channel][queue.language] * (isEmail ? (weekday > 5 ? 0.35 : WEEKDAY_FACTOR[weekday]) : WEEKDAY_FACTOR[weekday]) * (isEmail ? (day >= levelShiftFrom ? 1.2 : 1) : level) * dayNoise;
      const startMinutes = isEmail ? 0 : 8 * 60;
      for (let slot = 0; slot < profile.length; slot++) {
        // the hour the clocks skip in spring (03:00–03:59 local) has no intervals: localToEpoch would
        // push it forward onto 04:00–04:59 and store those intervals twice
        if (localInstants(day, startMinutes + slot * 15, DEMO_TIME_ZONE).length === 0) continue;
        const offered = random.poisson(expectedDay * profile[slot]);
        const intervalStart = new Date(localToEpoch(day, startMinutes + slot * 15, DEMO_TIME_ZONE));
        const load = expectedDay * profile[slot] / (DAILY_VOLUME[channel][queue.language] * profile[slot] * 1.1 || 1);
        const abandonRate = isEmail ? 0 : Math.min(0.25, 0.02 + 0.06 * Math.max(0, load - 0.9) * 4);
        const abandoned = random.binomial(offered, abandonRate);
        const answered = offered - abandoned;
        const withinRate = isEmail ? (closed ? 0 : 0.55) : Math.max(0.4, Math.min(0.97, 0.93 - 0.45 * Math.max(0, load - 0.95)));
        const answeredWithinTarget = random.binomial(answered, withinRate);
        history.push({ queueKey: queue.key, intervalStart, offered, answered, abandoned, answeredWithinTarget, ahtSeconds: answered > 0 ? Math.round(AHT[channel] * Math.exp(random.normal(0, 0.12)) * 100) / 100 : null });
      }
    }
  }

  const entryPoints: DemoEntryPoint[] = [
    { calledNumber: '+358925100100', name: 'Customer service, Finnish', queueKey: 'phone-fi' },
    { calledNumber: '+358925100200', name: 'Kundtjänst, svenska', queueKey: 'phone-sv' },
    { calledNumber: '+358925100300', name: 'Customer service, English', queueKey: 'phone-en' },
  ];

  // The published plan of the spike day's week: a normal week (no letter uplift) at the shifted level.
  const planning = buildDemoPlan({
    weekStart: mondayOf(addDays(plannedBatch.sentOn, 2)),
    timeZone: DEMO_TIME_ZONE,
    holidays,
    departments: DEPARTMENTS,
    agents,
    queues,
    aht: AHT,
    expected: (queueKey, date) => {
      const q = queues.find((x) => x.key === queueKey) as DemoQueue;
      const weekday = isoWeekday(date);
      const daily = DAILY_VOLUME[q.channel][q.language] * (q.channel === 'email' && weekday > 5 ? 0.35 : WEEKDAY_FACTOR[weekday]) * 1.2;
      return profiles[q.channel].map((share) => daily * share);
    },
  });

  // Its own random stream, so that the rest of the demo is the same with or without it.
  const contactHistory = generateContactHistory({
    seed: (seed ^ 0x5c0_17ac) >>> 0,
    days: Math.min(options.contactHistoryDays ?? 7, 7 * weeks),
    today,
    timeZone: DEMO_TIME_ZONE,
    departmentKey: 'customer-service',
    agents,
    queues,
    calendars: CALENDARS,
    holidays,
    entryPoints,
    history,
    aht: AHT,
  });

  return {
    departments: DEPARTMENTS,
    skills: SKILLS,
    calendars: CALENDARS,
    agents,
    queues,
    entryPoints,
    letterBatches,
    history,
    facts: { firstDay, lastDay, levelShiftFrom, spikeDays, plannedBatch },
    planning,
    contactHistory,
  };
}
