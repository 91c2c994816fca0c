import { describe, it, expect } from 'vitest';
import {
  KeypadDuplicateFilter,
  KeypadLineParser,
  MAX_LINE_LENGTH,
  answerForParseError,
  encodeKeypadAnswer,
  encodeKeypadRequest,
  nextSeq,
  parseKeypadAnswer,
  parseKeypadLine,
  xorChecksum,
  type KeypadParseEvent,
  type KeypadRequest,
} from '../../hardware/keypad/keypad-protocol';

const ascii = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));
const text = (b: Uint8Array): string => String.fromCharCode(...b);

/** Checksums worked out by hand (Python), not by the code under test. */
const LINES = {
  next: 'K1 12 NEXT*7E\r\n',
  recall: 'K1 12 RECALL*6C\r\n',
  skip: 'K1 13 SKIP*79\r\n',
  done: 'K1 14 DONE*7F\r\n',
  ping: 'K1 15 PING*6E\r\n',
  xfer: 'K1 16 XFER chung-thuc*04\r\n',
  call: 'K1 17 CALL A025*28\r\n',
};

const requests = (events: KeypadParseEvent[]): KeypadRequest[] => events.flatMap((e) => (e.ok ? [e.request] : []));
const errors = (events: KeypadParseEvent[]) => events.flatMap((e) => (e.ok ? [] : [e.error.code]));

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('xorChecksum', () => {
  it('is the XOR of all bytes', () => {
    expect(xorChecksum(ascii('K1 12 NEXT'))).toBe(0x7e);
    expect(xorChecksum([])).toBe(0);
  });
});

describe('parsing requests', () => {
  it('reads every command', () => {
    const parser = new KeypadLineParser();
    const events = parser.push(ascii(Object.values(LINES).join('')));
    expect(events.every((e) => e.ok)).toBe(true);
    expect(requests(events)).toEqual([
      { keypadId: 'K1', seq: 12, command: { cmd: 'NEXT' } },
      { keypadId: 'K1', seq: 12, command: { cmd: 'RECALL' } },
      { keypadId: 'K1', seq: 13, command: { cmd: 'SKIP' } },
      { keypadId: 'K1', seq: 14, command: { cmd: 'DONE' } },
      { keypadId: 'K1', seq: 15, command: { cmd: 'PING' } },
      { keypadId: 'K1', seq: 16, command: { cmd: 'XFER', serviceId: 'chung-thuc' } },
      { keypadId: 'K1', seq: 17, command: { cmd: 'CALL', ticketNumber: 'A025' } },
    ]);
  });

  it('gives the same result however the bytes are chunked', () => {
    const stream = ascii(Object.values(LINES).join(''));
    const whole = new KeypadLineParser().push(stream);
    const byteByByte = new KeypadLineParser();
    const oneAtATime = Array.from(stream).flatMap((b) => byteByByte.push([b]));
    expect(oneAtATime).toEqual(whole);
    const random = lcg(7);
    for (let round = 0; round < 50; round++) {
      const parser = new KeypadLineParser();
      const got: KeypadParseEvent[] = [];
      for (let i = 0; i < stream.length; ) {
        const size = 1 + Math.floor(random() * 9);
        got.push(...parser.push(stream.subarray(i, i + size)));
        i += size;
      }
      expect(got).toEqual(whole);
    }
  });

  it('accepts a lower-case checksum, a bare LF, and leading zeros in seq', () => {
    const events = new KeypadLineParser().push(ascii('K1 12 NEXT*7e\nK1 012 NEXT*4E\r\n'));
    expect(xorChecksum(ascii('K1 012 NEXT'))).toBe(0x4e);
    expect(requests(events).map((r) => r.seq)).toEqual([12, 12]);
  });

  it('skips empty lines and NUL or 0xFF bytes before a line', () => {
    const events = new KeypadLineParser().push(Uint8Array.from([0x0d, 0x0a, 0x00, 0xff, 0x00, ...ascii(LINES.next), 0x0a]));
    expect(events).toEqual([{ ok: true, request: { keypadId: 'K1', seq: 12, command: { cmd: 'NEXT' } } }]);
  });

  it('rejects a wrong checksum without naming keypad or seq, and gives no answer to it', () => {
    const [event] = new KeypadLineParser().push(ascii('K1 12 NEXT*7F\r\n'));
    expect(event).toEqual({ ok: false, error: { code: 'BAD_CHECKSUM', line: 'K1 12 NEXT*7F' } });
    if (event && !event.ok) expect(answerForParseError(event.error)).toBeNull();
  });

  it('rejects a flipped bit anywhere in the body', () => {
    const good = ascii('K1 17 CALL A025*28');
    for (let i = 0; i < good.length - 3; i++) {
      const bad = good.slice();
      bad[i] = bad[i]! ^ 0x01;
      const r = parseKeypadLine(bad);
      expect(r.ok).toBe(false);
    }
  });

  it('answers an unknown command with ERR and its seq', () => {
    const [event] = new KeypadLineParser().push(ascii('K1 12 JUMP*7B\r\n'));
    expect(event).toEqual({ ok: false, error: { code: 'UNKNOWN_COMMAND', keypadId: 'K1', seq: 12, line: 'K1 12 JUMP*7B' } });
    if (event && !event.ok) {
      const answer = answerForParseError(event.error);
      expect(answer).toEqual({ kind: 'ERR', seq: 12, code: 'UNKNOWN_COMMAND' });
      if (answer) expect(text(encodeKeypadAnswer(answer))).toBe('ERR 12 UNKNOWN_COMMAND*16\r\n');
    }
  });

  it('rejects wrong arguments as BAD_ARGS', () => {
    const framed = (body: string) => {
      const b = ascii(body);
      return Uint8Array.from([...b, 0x2a, ...ascii(xorChecksum(b).toString(16).padStart(2, '0'))]);
    };
    for (const body of [
      'K1 1 NEXT now',
      'K1 1 PING 1',
      'K1 1 XFER',
      'K1 1 XFER a b',
      'K1 1 XFER -bad',
      'K1 1 CALL',
      'K1 1 CALL AB12',
      'K1 1 CALL A123456',
      'K1 1 CALL 25 26',
    ]) {
      expect(parseKeypadLine(framed(body))).toMatchObject({ ok: false, error: { code: 'BAD_ARGS', keypadId: 'K1', seq: 1 } });
    }
    expect(parseKeypadLine(framed('K1 1 CALL a025'))).toEqual({
      ok: true,
      request: { keypadId: 'K1', seq: 1, command: { cmd: 'CALL', ticketNumber: 'A025' } },
    });
    expect(parseKeypadLine(framed('K1 1 CALL 1025'))).toMatchObject({ ok: true, request: { command: { ticketNumber: '1025' } } });
  });

  it('rejects a broken frame as BAD_FRAME', () => {
    const framed = (body: string) => {
      const b = ascii(body);
      return Uint8Array.from([...b, 0x2a, ...ascii(xorChecksum(b).toString(16).padStart(2, '0'))]);
    };
    expect(parseKeypadLine(ascii('K1 12 NEXT'))).toMatchObject({ ok: false, error: { code: 'BAD_FRAME' } });
    expect(parseKeypadLine(ascii('K1 12 NEXT*7'))).toMatchObject({ ok: false, error: { code: 'BAD_FRAME' } });
    expect(parseKeypadLine(ascii('K1 12 NEXT*7EE'))).toMatchObject({ ok: false, error: { code: 'BAD_FRAME' } });
    expect(parseKeypadLine(ascii('K1 12 NEXT*G0'))).toMatchObject({ ok: false, error: { code: 'BAD_FRAME' } });
    for (const body of ['K1 1000 NEXT', 'K1 -1 NEXT', 'K1 1a NEXT', 'K1  12 NEXT', ' K1 12 NEXT', 'K1 12', 'K/1 12 NEXT', 'K1 12 NEXT ']) {
      const r = parseKeypadLine(framed(body));
      expect(r, body).toMatchObject({ ok: false, error: { code: 'BAD_FRAME' } });
      if (!r.ok) expect(r.error.seq).toBeUndefined();
    }
  });

  it('rejects control and 8-bit bytes as NON_ASCII', () => {
    const events = new KeypadLineParser().push(
      Uint8Array.from([...ascii('K1 12 NE'), 0xc3, ...ascii('XT*7E\r\n'), ...ascii('K1 12\tNEXT*7E\r\n'), ...ascii('K1 12 NEXT\r*7E\r\n')]),
    );
    expect(errors(events)).toEqual(['NON_ASCII', 'NON_ASCII', 'NON_ASCII']);
    const [first] = events;
    if (first && !first.ok) expect(first.error.line).toBe('K1 12 NE\\xC3XT*7E');
  });

  it('takes a line of exactly 64 bytes and drops a longer one up to its LF', () => {
    const prefix = `${'K'.repeat(16)} 999 XFER `;
    const body64 = `${prefix}${'a'.repeat(MAX_LINE_LENGTH - prefix.length - 3)}`;
    const line64 = `${body64}*${xorChecksum(ascii(body64)).toString(16).toUpperCase().padStart(2, '0')}`;
    expect(line64.length).toBe(64);
    expect(requests(new KeypadLineParser().push(ascii(`${line64}\r\n`)))).toHaveLength(1);
    const body65 = `${prefix}${'a'.repeat(MAX_LINE_LENGTH - prefix.length - 2)}`;
    const line65 = `${body65}*${xorChecksum(ascii(body65)).toString(16).toUpperCase().padStart(2, '0')}`;
    const events = new KeypadLineParser().push(ascii(`${line65}\r\n${LINES.next}`));
    expect(errors(events)).toEqual(['LINE_TOO_LONG']);
    expect(requests(events)).toHaveLength(1);
  });

  it('reports an overlong line as soon as it passes the cap, holding no more than that', () => {
    const parser = new KeypadLineParser();
    expect(parser.push(ascii('x'.repeat(MAX_LINE_LENGTH + 1)))).toEqual([]);
    const [event] = parser.push(ascii('xx'));
    expect(event).toMatchObject({ ok: false, error: { code: 'LINE_TOO_LONG' } });
    expect(parser.push(ascii('x'.repeat(10_000)))).toEqual([]);
    expect(requests(parser.push(ascii(`\r\n${LINES.next}`)))).toHaveLength(1);
  });

  it('survives a flood of garbage with one error per overlong line and bounded output', () => {
    const parser = new KeypadLineParser();
    const random = lcg(42);
    const noLf = Uint8Array.from({ length: 100_000 }, () => {
      const b = Math.floor(random() * 256);
      return b === 0x0a ? 0x20 : b;
    });
    const events = [...parser.push(noLf), ...parser.push(ascii(`\r\n${LINES.next}`))];
    expect(errors(events)).toEqual(['LINE_TOO_LONG']);
    expect(requests(events)).toEqual([{ keypadId: 'K1', seq: 12, command: { cmd: 'NEXT' } }]);
  });

  it('recovers from random garbage with line ends in it', () => {
    const parser = new KeypadLineParser();
    const random = lcg(99);
    const garbage = Uint8Array.from({ length: 20_000 }, () => Math.floor(random() * 256));
    const events = parser.push(garbage);
    expect(requests(events)).toEqual([]);
    expect(events.every((e) => !e.ok && e.error.line.length <= 4 * MAX_LINE_LENGTH)).toBe(true);
    expect(requests(parser.push(ascii(`\r\n${LINES.call}`)))).toEqual([
      { keypadId: 'K1', seq: 17, command: { cmd: 'CALL', ticketNumber: 'A025' } },
    ]);
  });

  it('drops a partial line on reset', () => {
    const parser = new KeypadLineParser();
    expect(parser.push(ascii('K1 12 NE'))).toEqual([]);
    parser.reset();
    expect(requests(parser.push(ascii(LINES.done)))).toHaveLength(1);
  });
});

describe('encoding', () => {
  it('writes requests as a keypad does, for every command', () => {
    expect(text(encodeKeypadRequest({ keypadId: 'K1', seq: 12, command: { cmd: 'NEXT' } }))).toBe(LINES.next);
    expect(text(encodeKeypadRequest({ keypadId: 'K1', seq: 16, command: { cmd: 'XFER', serviceId: 'chung-thuc' } }))).toBe(LINES.xfer);
    expect(text(encodeKeypadRequest({ keypadId: 'K1', seq: 17, command: { cmd: 'CALL', ticketNumber: 'A025' } }))).toBe(LINES.call);
    expect(() => encodeKeypadRequest({ keypadId: 'K1', seq: 1000, command: { cmd: 'NEXT' } })).toThrow(RangeError);
  });

  it('writes OK and ERR answers exactly', () => {
    expect(text(encodeKeypadAnswer({ kind: 'OK', seq: 12, text: 'A025' }))).toBe('OK 12 A025*71\r\n');
    expect(text(encodeKeypadAnswer({ kind: 'OK', seq: 7, text: '' }))).toBe('OK 7*13\r\n');
    expect(text(encodeKeypadAnswer({ kind: 'ERR', seq: 12, code: 'NO_TICKET_WAITING' }))).toBe('ERR 12 NO_TICKET_WAITING*08\r\n');
  });

  it('makes answer text safe for an ASCII display', () => {
    expect(text(encodeKeypadAnswer({ kind: 'OK', seq: 999, text: 'Quầy 3: A025' }))).toBe('OK 999 Quay 3: A025*7E\r\n');
    expect(text(encodeKeypadAnswer({ kind: 'OK', seq: 1, text: 'Đ*中\r\n' }))).toMatch(/^OK 1 D\?\?\?\?\*[0-9A-F]{2}\r\n$/);
    const long = encodeKeypadAnswer({ kind: 'OK', seq: 999, text: 'x'.repeat(200) });
    expect(long.length).toBe(MAX_LINE_LENGTH + 2);
    expect(() => encodeKeypadAnswer({ kind: 'ERR', seq: 1, code: 'bad code' })).toThrow(RangeError);
    expect(() => encodeKeypadAnswer({ kind: 'OK', seq: -1, text: '' })).toThrow(RangeError);
  });

  it('reads answers back (the keypad side)', () => {
    const strip = (b: Uint8Array) => b.subarray(0, b.length - 2);
    expect(parseKeypadAnswer(strip(encodeKeypadAnswer({ kind: 'OK', seq: 5, text: 'A025' })))).toEqual({
      ok: true,
      answer: { kind: 'OK', seq: 5, text: 'A025' },
    });
    expect(parseKeypadAnswer(strip(encodeKeypadAnswer({ kind: 'ERR', seq: 5, code: 'BAD_ARGS' })))).toEqual({
      ok: true,
      answer: { kind: 'ERR', seq: 5, code: 'BAD_ARGS' },
    });
    expect(parseKeypadAnswer(ascii('OK 12 A025*70'))).toEqual({ ok: false, code: 'BAD_CHECKSUM' });
    expect(parseKeypadAnswer(ascii('HI 12*00'))).toMatchObject({ ok: false });
  });

  it('wraps seq from 999 to 0', () => {
    expect(nextSeq(998)).toBe(999);
    expect(nextSeq(999)).toBe(0);
  });
});

describe('KeypadDuplicateFilter', () => {
  const answer = ascii('OK 12 A025*71\r\n');

  it('carries a command out once and replays its answer to a resend', () => {
    const f = new KeypadDuplicateFilter();
    expect(f.check('K1', 12, 0)).toEqual({ kind: 'new' });
    expect(f.check('K1', 12, 500)).toEqual({ kind: 'in-progress' });
    f.complete('K1', 12, answer, 600);
    expect(f.check('K1', 12, 1100)).toEqual({ kind: 'replay', answer });
    expect(f.check('K1', 12, 1600)).toEqual({ kind: 'replay', answer });
    expect(f.check('K1', 13, 2000)).toEqual({ kind: 'new' });
  });

  it('keys by keypad and seq', () => {
    const f = new KeypadDuplicateFilter();
    expect(f.check('K1', 12, 0)).toEqual({ kind: 'new' });
    expect(f.check('K2', 12, 0)).toEqual({ kind: 'new' });
  });

  it('replays a late duplicate of an older seq instead of carrying it out again', () => {
    const f = new KeypadDuplicateFilter();
    f.check('K1', 5, 0);
    f.complete('K1', 5, ascii('five'), 10);
    f.check('K1', 6, 20);
    f.complete('K1', 6, ascii('six'), 30);
    expect(f.check('K1', 5, 40)).toEqual({ kind: 'replay', answer: ascii('five') });
  });

  it('treats seq 0 after 999 as new', () => {
    const f = new KeypadDuplicateFilter();
    f.check('K1', 999, 0);
    f.complete('K1', 999, answer, 0);
    expect(f.check('K1', nextSeq(999), 100)).toEqual({ kind: 'new' });
  });

  it('treats a seq heard again after the window as a new command (keypad restarted)', () => {
    const f = new KeypadDuplicateFilter({ windowMs: 10_000 });
    f.check('K1', 0, 0);
    f.complete('K1', 0, answer, 0);
    expect(f.check('K1', 0, 5_000)).toMatchObject({ kind: 'replay' });
    // Each resend keeps the entry alive: the window counts from the last time it was heard.
    expect(f.check('K1', 0, 14_000)).toMatchObject({ kind: 'replay' });
    expect(f.check('K1', 0, 24_001)).toEqual({ kind: 'new' });
  });

  it('stays bounded under a flood of keypads and seqs', () => {
    const f = new KeypadDuplicateFilter({ maxKeypads: 16, historyPerKeypad: 4 });
    for (let i = 0; i < 10_000; i++) {
      const id = `K${i % 100}`;
      if (f.check(id, i % 1000, i).kind === 'new') f.complete(id, i % 1000, answer, i);
    }
    expect(f.size()).toBeLessThanOrEqual(16 * 4);
    const one = new KeypadDuplicateFilter({ historyPerKeypad: 8 });
    for (let i = 0; i < 5000; i++) one.check('K1', i % 1000, i);
    expect(one.size()).toBe(8);
  });

  it('forgets the least recently heard keypad first', () => {
    const f = new KeypadDuplicateFilter({ maxKeypads: 2 });
    f.check('A', 1, 0);
    f.complete('A', 1, answer, 0);
    f.check('B', 1, 1);
    f.check('A', 1, 2); // A heard again: now B is the oldest
    f.check('C', 1, 3);
    expect(f.check('A', 1, 4)).toMatchObject({ kind: 'replay' });
    expect(f.check('B', 1, 5)).toEqual({ kind: 'new' });
  });
});
