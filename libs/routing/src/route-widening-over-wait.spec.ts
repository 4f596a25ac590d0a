import { defaultWideningSteps, queueSteps, resolveConfig, selectAgentForContact } from './index.js';
import { NOW, agent, contact, queue } from './spec-fixtures.js';

const phone = queue('q-phone', { channel: 'phone' }); // topic:payments ≥ 3, lang:fi ≥ 3
const novice = agent('novice', { skills: { 'lang:fi': 5, 'topic:payments': 2 } });
const finnishOnly = agent('finnish-only', { skills: { 'lang:fi': 4 } });
const swedishOnly = agent('swedish-only', { skills: { 'lang:sv': 5, 'topic:payments': 5 } });
const lent = agent('lent', {
  departmentId: 'billing',
  skills: { 'lang:fi': 5 },
  lentTo: [{ departmentId: 'collections', from: new Date(NOW.getTime() - 3600_000), to: new Date(NOW.getTime() + 3600_000) }],
});

const route = (waited: number, agents = [novice, finnishOnly, swedishOnly, lent], q = phone) =>
  selectAgentForContact(contact('c', q, waited), q, agents, NOW);
const skip = (sel: ReturnType<typeof route>, id: string) => sel.explanation.skippedAgents.find((s) => s.agentId === id);

describe('widening of eligible agents over waiting time (default steps)', () => {
  it('at 5 s only fully skilled agents qualify; the others are skipped with the reason', () => {
    const sel = route(5);
    expect(sel.agentId).toBeNull();
    expect(skip(sel, 'novice')).toMatchObject({ reason: 'low-proficiency', detail: "proficiency 2 < 3 for 'topic:payments'" });
    expect(skip(sel, 'finnish-only')).toMatchObject({ reason: 'missing-skill', detail: "missing skill 'topic:payments'" });
    expect(skip(sel, 'swedish-only')).toMatchObject({ reason: 'missing-skill', detail: "missing skill 'lang:fi'" });
    expect(skip(sel, 'lent')?.reason).toBe('lent-not-yet-widened');
  });

  it('after 15 s proficiency 2 is enough', () => {
    const sel = route(16);
    expect(sel.agentId).toBe('novice');
    if (sel.agentId) expect(sel.step).toMatchObject({ index: 1, name: 'proficiency ≥ 2 is enough' });
  });

  it('after 45 s any department agent with the language qualifies', () => {
    const sel = route(50, [finnishOnly, swedishOnly, lent]);
    expect(sel.agentId).toBe('finnish-only');
    if (sel.agentId) expect(sel.step.index).toBe(2);
    expect(skip(sel, 'swedish-only')?.detail).toBe("missing skill 'lang:fi'");
    expect(skip(sel, 'lent')).toMatchObject({
      reason: 'lent-not-yet-widened',
      detail: 'lent agent; lent agents join after 75 s, contact has waited 50 s',
    });
  });

  it('after a further delay (default 30 s) agents lent from other departments qualify', () => {
    const sel = route(80, [swedishOnly, lent]);
    expect(sel.agentId).toBe('lent');
    if (sel.agentId) expect(sel.step).toMatchObject({ index: 3, agents: 'department-and-lent' });
    expect(sel.explanation.summary).toContain('lent agent');
  });

  it('the lent-agent delay is configurable per queue', () => {
    const quick = queue('q-quick', { lentAgentDelaySeconds: 0 });
    expect(route(46, [lent], quick).agentId).toBe('lent');
  });

  it('a lent agent outside its loan window is skipped', () => {
    const expired = agent('expired', {
      departmentId: 'billing',
      skills: { 'lang:fi': 5 },
      lentTo: [{ departmentId: 'collections', from: new Date('2025-03-11T08:00:00Z'), to: new Date('2025-03-11T16:00:00Z') }],
    });
    const sel = route(120, [expired]);
    expect(sel.agentId).toBeNull();
    expect(skip(sel, 'expired')).toMatchObject({ reason: 'outside-loan-window' });
  });

  it('a loan limited to other queues does not cover this queue', () => {
    const elsewhere = agent('elsewhere', {
      departmentId: 'billing',
      skills: { 'lang:fi': 5 },
      lentTo: [{ departmentId: 'collections', queueIds: ['q-other'], from: new Date(0), to: new Date('2100-01-01') }],
    });
    expect(skip(route(120, [elsewhere]), 'elsewhere')?.reason).toBe('other-department');
  });

  it('an agent of another department without a loan never qualifies', () => {
    const other = agent('other', { departmentId: 'billing' });
    expect(skip(route(600, [other]), 'other')).toMatchObject({ reason: 'other-department', detail: 'department billing, not lent to collections' });
  });

  it('prefers a fully skilled agent over a widened one that has been idle longer', () => {
    const expert = agent('expert', { idleSince: new Date(NOW.getTime() - 5_000) });
    const longIdleNovice = { ...novice, idleSince: new Date(NOW.getTime() - 600_000) };
    const sel = route(20, [longIdleNovice, expert]);
    expect(sel.agentId).toBe('expert');
    expect(sel.explanation.eligibleAgentIds).toEqual(['expert', 'novice']);
  });

  it('an empty widening list never widens', () => {
    const strict = queue('q-strict', { widening: [] });
    expect(route(3600, [novice, finnishOnly], strict).agentId).toBeNull();
  });

  it('custom steps: lower every requirement by one after 10 s', () => {
    const custom = queue('q-custom', { widening: [{ afterSeconds: 10, skills: 'queue-skills', agents: 'department', minProficiencyDelta: 1 }] });
    expect(route(9, [novice], custom).agentId).toBeNull();
    const sel = route(10, [novice], custom);
    expect(sel.agentId).toBe('novice');
    if (sel.agentId) expect(sel.step.requirements).toEqual([
      { skill: 'lang:fi', minProficiency: 2 },
      { skill: 'topic:payments', minProficiency: 2 },
    ]);
  });

  it('describes the default steps', () => {
    expect(defaultWideningSteps(60).map((s) => s.afterSeconds)).toEqual([15, 45, 105]);
    const steps = queueSteps(phone, resolveConfig({}));
    expect(steps.map((s) => [s.index, s.skills, s.agents, s.requirements.map((r) => `${r.skill}≥${r.minProficiency}`).join(',')])).toEqual([
      [0, 'queue-skills', 'department', 'lang:fi≥3,topic:payments≥3'],
      [1, 'queue-skills', 'department', 'lang:fi≥2,topic:payments≥2'],
      [2, 'language-only', 'department', 'lang:fi≥2'],
      [3, 'language-only', 'department-and-lent', 'lang:fi≥2'],
    ]);
  });

  it('a language listed in requiredSkills keeps its own level', () => {
    const q = queue('q-sv', { language: 'sv', requiredSkills: [{ skill: 'lang:sv', minProficiency: 4 }] });
    const steps = queueSteps(q, resolveConfig({}));
    expect(steps[0]!.requirements).toEqual([{ skill: 'lang:sv', minProficiency: 4 }]);
  });

  it('a queue without a language, for a contact without one (language \'\'), asks for no language: a Swedish-only agent qualifies at once', () => {
    const q = queue('q-any', { channel: 'phone', language: '' });
    expect(queueSteps(q, resolveConfig({})).map((s) => s.requirements.map((r) => `${r.skill}≥${r.minProficiency}`).join(','))).toEqual([
      'topic:payments≥3',
      'topic:payments≥2',
      '',
      '',
    ]);
    expect(route(0, [finnishOnly, swedishOnly], q)).toMatchObject({ agentId: 'swedish-only' });
  });
});
