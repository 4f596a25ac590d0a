import { redactComment } from './comment-redaction.js';

describe('survey comments as a manager reads them: what identifies a person is masked', () => {
  it('masks the caller name the telephony system gave, whole and each part, whatever the case', () => {
    expect(redactComment('Anna Virtanen tässä, kiitos avusta', { names: ['Anna Virtanen'], refs: [] })).toBe('[name] tässä, kiitos avusta');
    expect(redactComment('terveisin anna / VIRTANEN', { names: ['Anna Virtanen'], refs: [] })).toBe('terveisin [name] / [name]');
    expect(redactComment('Anna-Liisa soitti, Liisa kiittää', { names: ['Anna-Liisa Meikäläinen'], refs: [] })).toBe('[name] soitti, [name] kiittää');
  });

  it('keeps words that only contain a name, and names Vuoro does not know', () => {
    expect(redactComment('Annan asia hoitui, kiitos Mikalle', { names: ['Anna Virtanen'], refs: [] })).toBe('Annan asia hoitui, kiitos Mikalle');
  });

  it('masks phone numbers however they are written, keeping short numbers and dates', () => {
    expect(redactComment('soittakaa 040 123 4567 tai +358 40 1234567 tai (09) 123 4567', { names: [], refs: [] })).toBe('soittakaa [phone] tai [phone] tai [phone]');
    expect(redactComment('lasku 1234, eräpäivä 2026-11-30, 3 kk', { names: [], refs: [] })).toBe('lasku 1234, eräpäivä 2026-11-30, 3 kk');
  });

  it('masks e-mail addresses, personal identity codes and the gateway reference', () => {
    expect(redactComment('vastatkaa anna.virtanen@example.fi, hetu 010190-123A', { names: [], refs: [] })).toBe('vastatkaa [email], hetu [personal id]');
    expect(redactComment('viite web-anna-77 ei toiminut', { names: [], refs: ['web-anna-77'] })).toBe('viite [reference] ei toiminut');
    // a reference too short to tell from other text is left to the other rules
    expect(redactComment('3 päivää', { names: [], refs: ['3'] })).toBe('3 päivää');
  });

  it('leaves a comment without identifiers as it was', () => {
    expect(redactComment('Asia hoitui heti, kiitos!')).toBe('Asia hoitui heti, kiitos!');
  });
});
