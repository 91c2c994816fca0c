import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  CLIPS,
  CLIP_BY_ID,
  VI_NUMBER_CLIP_IDS,
  callClipSequence,
  type CallToAnnounce,
} from '../../display/voice/clips';
import { createAnnouncementQueue } from '../../display/voice/announcement-queue';
import { TICKET_PREFIX_LETTERS } from '../../display/voice/number-reading';

const KINH_MOI = 'vi-cau-kinh-moi';
const XIN_MOI = 'vi-cau-xin-moi';
const DEN_QUAY = 'vi-cau-den-quay-so';

describe('callClipSequence', () => {
  it('A025 at counter 3, defaults: chime, then the Vietnamese call twice', () => {
    const once = [KINH_MOI, 'vi-chu-a', 'vi-so-hai', 'vi-so-muwowi', 'vi-so-lawm', DEN_QUAY, 'vi-so-ba'];
    expect(callClipSequence({ ticketNumber: 'A025', counterNumber: 3 })).toEqual(['chime', ...once, ...once]);
    expect(
      callClipSequence(
        { ticketNumber: 'A025', counterNumber: 3 },
        { dialect: 'north', style: 'number', repeat: 2, english: false, template: 'kinh-moi' },
      ),
    ).toEqual(['chime', ...once, ...once]);
  });

  it('digits style, xin-moi, once, with English; the counter is read as a number', () => {
    expect(
      callClipSequence(
        { ticketNumber: 'B105', counterNumber: '12' },
        { dialect: 'south', style: 'digits', repeat: 1, english: true, template: 'xin-moi' },
      ),
    ).toEqual([
      'chime',
      XIN_MOI, 'vi-chu-b', 'vi-so-mootj', 'vi-so-khoong', 'vi-so-nawm', DEN_QUAY, 'vi-so-muwowif', 'vi-so-hai',
      'en-phrase-ticket-number', 'en-letter-b', 'en-num-one', 'en-num-zero', 'en-num-five',
      'en-phrase-please-proceed-to-counter', 'en-num-twelve',
    ]);
  });

  it('number style in both dialects and in English', () => {
    const call = { ticketNumber: '1005', counterNumber: 21 };
    const settings = { repeat: 1, english: true } as const;
    expect(callClipSequence(call, { ...settings, dialect: 'south' })).toEqual([
      'chime',
      KINH_MOI, 'vi-so-mootj', 'vi-so-nganf', 'vi-so-khoong', 'vi-so-trawm', 'vi-so-ler', 'vi-so-nawm',
      DEN_QUAY, 'vi-so-hai', 'vi-so-muwowi', 'vi-so-moots',
      'en-phrase-ticket-number', 'en-num-one', 'en-num-thousand', 'en-num-five',
      'en-phrase-please-proceed-to-counter', 'en-num-twenty', 'en-num-one',
    ]);
    expect(callClipSequence(call, { ...settings, dialect: 'north' }).slice(1, 8)).toEqual([
      KINH_MOI, 'vi-so-mootj', 'vi-so-nghinf', 'vi-so-khoong', 'vi-so-trawm', 'vi-so-linh', 'vi-so-nawm',
    ]);
  });

  it('repeats the Vietnamese call `repeat` times, chime once, English once at the end', () => {
    const seq = callClipSequence({ ticketNumber: 'C7', counterNumber: '04' }, { repeat: 3, english: true });
    expect(seq.filter((id) => id === 'chime')).toEqual(['chime']);
    expect(seq[0]).toBe('chime');
    expect(seq.filter((id) => id === KINH_MOI)).toHaveLength(3);
    expect(seq.filter((id) => id === 'en-phrase-ticket-number')).toHaveLength(1);
    expect(seq.slice(-4)).toEqual(['en-letter-c', 'en-num-seven', 'en-phrase-please-proceed-to-counter', 'en-num-four']);
    expect(() => callClipSequence({ ticketNumber: 'C7', counterNumber: 1 }, { repeat: 0 })).toThrow(RangeError);
    expect(() => callClipSequence({ ticketNumber: 'C7', counterNumber: 1 }, { repeat: 1.5 })).toThrow(RangeError);
  });

  it('five-digit numbers: range numbering 10005, the last prefix number A99999', () => {
    const settings = { repeat: 1, english: true } as const;
    expect(callClipSequence({ ticketNumber: '10005', counterNumber: 2 }, { ...settings, dialect: 'north' })).toEqual([
      'chime',
      KINH_MOI, 'vi-so-muwowif', 'vi-so-nghinf', 'vi-so-khoong', 'vi-so-trawm', 'vi-so-linh', 'vi-so-nawm',
      DEN_QUAY, 'vi-so-hai',
      'en-phrase-ticket-number', 'en-num-ten', 'en-num-thousand', 'en-num-five',
      'en-phrase-please-proceed-to-counter', 'en-num-two',
    ]);
    expect(callClipSequence({ ticketNumber: '10005', counterNumber: 2 }, { ...settings, dialect: 'south' }).slice(1, 8)).toEqual([
      KINH_MOI, 'vi-so-muwowif', 'vi-so-nganf', 'vi-so-khoong', 'vi-so-trawm', 'vi-so-ler', 'vi-so-nawm',
    ]);
    expect(callClipSequence({ ticketNumber: 'A99999', counterNumber: 1 }, { repeat: 1 })).toEqual([
      'chime',
      KINH_MOI, 'vi-chu-a',
      'vi-so-chins', 'vi-so-muwowi', 'vi-so-chins', 'vi-so-nghinf',
      'vi-so-chins', 'vi-so-trawm', 'vi-so-chins', 'vi-so-muwowi', 'vi-so-chins',
      DEN_QUAY, 'vi-so-mootj',
    ]);
    expect(callClipSequence({ ticketNumber: '24024', counterNumber: 21_000 }, { repeat: 1 })).toEqual([
      'chime',
      KINH_MOI, 'vi-so-hai', 'vi-so-muwowi', 'vi-so-tuw', 'vi-so-nghinf',
      'vi-so-khoong', 'vi-so-trawm', 'vi-so-hai', 'vi-so-muwowi', 'vi-so-tuw',
      DEN_QUAY, 'vi-so-hai', 'vi-so-muwowi', 'vi-so-moots', 'vi-so-nghinf',
    ]);
  });

  it('rejects malformed calls', () => {
    expect(() => callClipSequence({ ticketNumber: 'A-1', counterNumber: 1 })).toThrow();
    expect(() => callClipSequence({ ticketNumber: 'A1', counterNumber: 'x' })).toThrow();
    expect(() => callClipSequence({ ticketNumber: 'A1', counterNumber: -1 })).toThrow(RangeError);
    expect(() => callClipSequence({ ticketNumber: 'A1', counterNumber: 1.5 })).toThrow(RangeError);
  });
});

describe('callClipSequence: a number beyond the readings is read digit by digit, never silently dropped', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('reads a ticket above 99,999 letter + digits, in both languages, and warns', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const seq = callClipSequence({ ticketNumber: 'A100000', counterNumber: 3 }, { repeat: 1, english: true });
    const zeros = (lang: 'vi' | 'en'): string[] => Array<string>(5).fill(lang === 'vi' ? 'vi-so-khoong' : 'en-num-zero');
    expect(seq).toEqual([
      'chime',
      KINH_MOI, 'vi-chu-a', 'vi-so-mootj', ...zeros('vi'), DEN_QUAY, 'vi-so-ba',
      'en-phrase-ticket-number', 'en-letter-a', 'en-num-one', ...zeros('en'),
      'en-phrase-please-proceed-to-counter', 'en-num-three',
    ]);
    expect(warn).toHaveBeenCalled();
    expect(String(warn.mock.calls[0]?.[0])).toContain('A100000');
    for (const id of seq) expect(CLIP_BY_ID.has(id), id).toBe(true);
  });

  it('reads a number without a letter, a huge one, and a counter beyond the readings digit by digit', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    expect(callClipSequence({ ticketNumber: '123456', counterNumber: 1 }, { repeat: 1 })).toEqual([
      'chime',
      KINH_MOI, 'vi-so-mootj', 'vi-so-hai', 'vi-so-ba', 'vi-so-boons', 'vi-so-nawm', 'vi-so-saus',
      DEN_QUAY, 'vi-so-mootj',
    ]);
    const huge = '9'.repeat(400); // parses to Infinity
    const hugeSeq = callClipSequence({ ticketNumber: `B${huge}`, counterNumber: 1 }, { repeat: 1 });
    expect(hugeSeq.filter((id) => id === 'vi-so-chins')).toHaveLength(400);
    expect(callClipSequence({ ticketNumber: 'C7', counterNumber: 100_000 }, { repeat: 1, english: true }).slice(4, 12)).toEqual([
      DEN_QUAY, 'vi-so-mootj', 'vi-so-khoong', 'vi-so-khoong', 'vi-so-khoong', 'vi-so-khoong', 'vi-so-khoong',
      'en-phrase-ticket-number',
    ]);
    expect(callClipSequence({ ticketNumber: 'C7', counterNumber: 'D123456' }, { repeat: 1 }).slice(-7)).toEqual([
      'vi-chu-d', 'vi-so-mootj', 'vi-so-hai', 'vi-so-ba', 'vi-so-boons', 'vi-so-nawm', 'vi-so-saus',
    ]);
    expect(warn).toHaveBeenCalledTimes(5); // once per language reading it: 1 + 1 + 2 (vi, en) + 1
  });

  it('does not warn for the digits style or a readable number', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    callClipSequence({ ticketNumber: 'A100000', counterNumber: 99_999 }, { style: 'digits', english: true });
    callClipSequence({ ticketNumber: 'A99999', counterNumber: 12 }, { english: true });
    expect(warn).not.toHaveBeenCalled();
  });

  it('the announcement queue plays such a call', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const played: string[][] = [];
    const errors: unknown[] = [];
    const queue = createAnnouncementQueue(
      (ids) => {
        played.push(ids);
        return Promise.resolve();
      },
      { onError: (e) => errors.push(e), settings: { repeat: 1 } },
    );
    expect(await queue.enqueue({ ticketNumber: 'A100000', counterNumber: 3 })).toBe('played');
    expect(errors).toEqual([]);
    expect(played[0]).toContain('vi-chu-a');
  });
});

describe('CLIPS', () => {
  it('ids are unique, lowercase ASCII, and every clip has a text without digits', () => {
    const ids = CLIPS.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const clip of CLIPS) {
      expect(clip.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(clip.id.startsWith(`${clip.lang}-`) || clip.id === 'chime', clip.id).toBe(true);
      expect(clip.text.trim().length).toBeGreaterThan(0);
      expect(clip.text, clip.id).not.toMatch(/[0-9]/);
    }
  });

  it('words that differ only by marks have different clips', () => {
    const pairs: Array<[string, string]> = [
      ['một', 'mốt'], ['mười', 'mươi'], ['lăm', 'năm'], ['linh', 'lẻ'], ['nghìn', 'ngàn'], ['bốn', 'tư'],
    ];
    for (const [a, b] of pairs) {
      const ida = VI_NUMBER_CLIP_IDS[a as keyof typeof VI_NUMBER_CLIP_IDS];
      const idb = VI_NUMBER_CLIP_IDS[b as keyof typeof VI_NUMBER_CLIP_IDS];
      expect(ida).toBeDefined();
      expect(ida).not.toBe(idb);
      expect(CLIP_BY_ID.get(ida)?.text).toBe(a);
      expect(CLIP_BY_ID.get(idb)?.text).toBe(b);
    }
  });

  it('Vietnamese number clips follow the Telex scheme', () => {
    const tone: Record<string, string> = { '\u0301': 's', '\u0300': 'f', '\u0309': 'r', '\u0303': 'x', '\u0323': 'j' };
    const telex = (word: string): string => {
      let base = '';
      let toneLetter = '';
      for (const ch of word.normalize('NFD')) {
        if (ch in tone) toneLetter = tone[ch] ?? '';
        else if (ch === '\u0302') base += base.slice(-1); // â ê ô
        else if (ch === '\u0306' || ch === '\u031B') base += 'w'; // ă, ơ ư
        else if (ch === 'đ') base += 'dd';
        else base += ch;
      }
      return base + toneLetter;
    };
    const numberClips = CLIPS.filter((c) => c.lang === 'vi' && c.kind === 'number');
    expect(numberClips).toHaveLength(20);
    for (const clip of numberClips) expect(clip.id).toBe(`vi-so-${telex(clip.text)}`);
    expect(VI_NUMBER_CLIP_IDS['một']).toBe('vi-so-mootj');
    expect(VI_NUMBER_CLIP_IDS['mốt']).toBe('vi-so-moots');
  });

  it('has the phrases, the chime, and every letter in both languages', () => {
    const text = (id: string): string | undefined => CLIP_BY_ID.get(id)?.text;
    expect(text('chime')).toBeDefined();
    expect(text(KINH_MOI)).toBe('Kính mời công dân có số thứ tự');
    expect(text(XIN_MOI)).toBe('Xin mời số thứ tự');
    expect(text(DEN_QUAY)).toBe('đến quầy số');
    expect(text('en-phrase-ticket-number')).toBe('Ticket number');
    expect(text('en-phrase-please-proceed-to-counter')).toBe('please proceed to counter');
    expect(text('vi-chu-dd')).toBe('đê');
    expect(text('vi-chu-y')).toBe('i dài');
    expect(text('en-letter-a')).toBe('A');
    expect(TICKET_PREFIX_LETTERS).toHaveLength(27);
  });

  it('every clip any call can produce exists, and every clip is used by some call', () => {
    const used = new Set<string>();
    const missing = new Set<string>();
    const record = (call: CallToAnnounce, settings: Parameters<typeof callClipSequence>[1]): void => {
      for (const id of callClipSequence(call, settings)) {
        used.add(id);
        if (!CLIP_BY_ID.has(id)) missing.add(id);
      }
    };
    // Every number below 10,000, and a spread of five-digit ones (number-reading.test.ts checks
    // that every word of every reading up to 99,999 has a clip).
    const numbers = Array.from({ length: 10_000 }, (_, n) => n);
    for (let n = 10_000; n <= 99_999; n += 97) numbers.push(n);
    numbers.push(10_005, 21_000, 24_024, 99_999);
    for (const n of numbers) {
      for (const dialect of ['north', 'south'] as const) {
        for (const style of ['number', 'digits'] as const) {
          record(
            { ticketNumber: String(n).padStart(3, '0'), counterNumber: n },
            { dialect, style, repeat: 1, english: true, template: n % 2 === 0 ? 'kinh-moi' : 'xin-moi' },
          );
        }
      }
    }
    for (const letter of TICKET_PREFIX_LETTERS) {
      for (const style of ['number', 'digits'] as const) {
        const seq = callClipSequence({ ticketNumber: `${letter}025`, counterNumber: `${letter}1` }, { style, english: true });
        expect(seq.filter((id) => id.startsWith('vi-chu-'))).toHaveLength(4); // twice ticket, twice counter
        expect(seq.filter((id) => id.startsWith('en-letter-'))).toHaveLength(2);
        record({ ticketNumber: `${letter}025`, counterNumber: 1 }, { style, english: true });
        record({ ticketNumber: `${letter}1`, counterNumber: 1 }, { style, english: true });
      }
    }
    expect([...missing]).toEqual([]);
    expect(CLIPS.map((c) => c.id).filter((id) => !used.has(id))).toEqual([]);
  });
});

describe('createAnnouncementQueue', () => {
  const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

  function fakePlayer(delays: number[] = []) {
    const played: string[][] = [];
    let active = 0;
    let maxActive = 0;
    let calls = 0;
    const player = async (clipIds: string[]): Promise<void> => {
      const delay = delays[calls++ % Math.max(1, delays.length)] ?? 0;
      active++;
      maxActive = Math.max(maxActive, active);
      try {
        await sleep(delay);
        played.push(clipIds);
      } finally {
        active--;
      }
    };
    return { player, played, maxActive: () => maxActive };
  }

  const calls: CallToAnnounce[] = [
    { ticketNumber: 'A025', counterNumber: 3 },
    { ticketNumber: 'B001', counterNumber: 1 },
    { ticketNumber: '1015', counterNumber: '12' },
  ];

  it('plays calls arriving together one after the other, in order, never overlapping', async () => {
    const fake = fakePlayer([30, 5, 15]);
    const queue = createAnnouncementQueue(fake.player);
    const outcomes = await Promise.all(calls.map((c) => queue.enqueue(c)));
    expect(outcomes).toEqual(['played', 'played', 'played']);
    expect(fake.maxActive()).toBe(1);
    expect(fake.played).toEqual(calls.map((c) => callClipSequence(c)));
    expect(queue.size).toBe(0);
  });

  it('announces a recall again', async () => {
    const fake = fakePlayer([5]);
    const queue = createAnnouncementQueue(fake.player);
    void queue.enqueue(calls[0]!);
    await sleep(1);
    void queue.enqueue(calls[0]!);
    await queue.whenIdle();
    await queue.enqueue(calls[0]!);
    expect(fake.played).toHaveLength(3);
    expect(fake.maxActive()).toBe(1);
  });

  it('goes on after a player that rejects or throws, and after a malformed call', async () => {
    const played: string[][] = [];
    let n = 0;
    const errors: unknown[] = [];
    const queue = createAnnouncementQueue(
      (ids) => {
        n++;
        if (n === 1) return Promise.reject(new Error('audio device lost'));
        if (n === 2) throw new Error('sync failure');
        played.push(ids);
        return Promise.resolve();
      },
      { onError: (e) => errors.push(e) },
    );
    const outcomes = await Promise.all([
      queue.enqueue(calls[0]!),
      queue.enqueue(calls[1]!),
      queue.enqueue({ ticketNumber: 'not a ticket', counterNumber: 1 }),
      queue.enqueue(calls[2]!),
    ]);
    expect(outcomes).toEqual(['failed', 'failed', 'failed', 'played']);
    expect(errors).toHaveLength(3);
    expect(played).toEqual([callClipSequence(calls[2]!)]);
  });

  it('aborts a player that hangs past timeoutMs and plays the next call', async () => {
    const signals: AbortSignal[] = [];
    const played: string[][] = [];
    const queue = createAnnouncementQueue(
      (ids, signal) => {
        signals.push(signal);
        if (signals.length === 1) return new Promise<void>(() => undefined); // never ends
        played.push(ids);
        return Promise.resolve();
      },
      { timeoutMs: 20 },
    );
    const outcomes = await Promise.all([queue.enqueue(calls[0]!), queue.enqueue(calls[1]!)]);
    expect(outcomes).toEqual(['failed', 'played']);
    expect(signals[0]?.aborted).toBe(true);
    expect(signals[1]?.aborted).toBe(false);
    expect(played).toEqual([callClipSequence(calls[1]!)]);
  });

  it('reads settings when a call comes up', async () => {
    const fake = fakePlayer([10]);
    let english = false;
    const queue = createAnnouncementQueue(fake.player, { settings: () => ({ english, repeat: 1 }) });
    const first = queue.enqueue(calls[0]!);
    const second = queue.enqueue(calls[1]!);
    expect(queue.size).toBe(2);
    english = true;
    await Promise.all([first, second]);
    await queue.whenIdle();
    expect(fake.played[1]).toEqual(callClipSequence(calls[1]!, { english: true, repeat: 1 }));
  });
});
