import { describe, it, expect } from 'vitest';
import { combineStatus, isValidStatusByte, parseStatusReply, statusProblems } from '../../hardware/escpos/status';

describe('parseStatusReply', () => {
  it('reads 0x12 as all well for every request', () => {
    expect(parseStatusReply(1, 0x12)).toEqual({
      ok: true,
      reply: { n: 1, drawerPin3High: false, offline: false, waitingForOnlineRecovery: false, feedButtonPressed: false },
    });
    expect(parseStatusReply(2, 0x12)).toEqual({
      ok: true,
      reply: { n: 2, coverOpen: false, feedingByButton: false, stoppedForPaperEnd: false, error: false },
    });
    expect(parseStatusReply(3, 0x12)).toEqual({
      ok: true,
      reply: { n: 3, autocutterError: false, unrecoverableError: false, autoRecoverableError: false },
    });
    expect(parseStatusReply(4, 0x12)).toEqual({ ok: true, reply: { n: 4, paperNearEnd: false, paperOut: false } });
  });

  it('reads n=1 bit 3 as offline', () => {
    expect(parseStatusReply(1, 0x1a)).toMatchObject({ ok: true, reply: { offline: true, feedButtonPressed: false } });
    expect(parseStatusReply(1, 0x52)).toMatchObject({ ok: true, reply: { offline: false, feedButtonPressed: true } });
  });

  it('reads n=2 bits 2, 5 and 6 as cover open, stopped for paper end and error', () => {
    expect(parseStatusReply(2, 0x16)).toMatchObject({ reply: { coverOpen: true, stoppedForPaperEnd: false, error: false } });
    expect(parseStatusReply(2, 0x32)).toMatchObject({ reply: { coverOpen: false, stoppedForPaperEnd: true, error: false } });
    expect(parseStatusReply(2, 0x52)).toMatchObject({ reply: { coverOpen: false, stoppedForPaperEnd: false, error: true } });
    expect(parseStatusReply(2, 0x1a)).toMatchObject({ reply: { feedingByButton: true, coverOpen: false } });
  });

  it('reads n=3 bits 3, 5 and 6 as cutter, unrecoverable and auto-recoverable errors', () => {
    expect(parseStatusReply(3, 0x1a)).toMatchObject({ reply: { autocutterError: true, unrecoverableError: false, autoRecoverableError: false } });
    expect(parseStatusReply(3, 0x32)).toMatchObject({ reply: { autocutterError: false, unrecoverableError: true, autoRecoverableError: false } });
    expect(parseStatusReply(3, 0x52)).toMatchObject({ reply: { autocutterError: false, unrecoverableError: false, autoRecoverableError: true } });
  });

  it('reads n=4 bits 2-3 as paper near end and bits 5-6 as paper out', () => {
    expect(parseStatusReply(4, 0x1e)).toMatchObject({ reply: { paperNearEnd: true, paperOut: false } });
    expect(parseStatusReply(4, 0x72)).toMatchObject({ reply: { paperNearEnd: false, paperOut: true } });
    expect(parseStatusReply(4, 0x7e)).toMatchObject({ reply: { paperNearEnd: true, paperOut: true } });
  });

  it('rejects every byte whose fixed bits are wrong, and accepts the 16 others', () => {
    const valid: number[] = [];
    for (let b = 0; b < 256; b++) {
      const r = parseStatusReply(2, b);
      if (r.ok) valid.push(b);
      else expect(r).toEqual({ ok: false, error: 'INVALID_STATUS_BYTE', byte: b });
    }
    expect(valid.length).toBe(16);
    expect(valid.every((b) => (b & 0x93) === 0x12)).toBe(true);
    for (const b of [0x00, 0xff, 0x13, 0x92, 0x02, 0x10, 0x1b]) expect(isValidStatusByte(b)).toBe(false);
    for (const b of [256, -1, 1.5, NaN]) expect(isValidStatusByte(b)).toBe(false);
  });
});

describe('combineStatus', () => {
  it('leaves unknown what was not asked', () => {
    expect(combineStatus({ 1: 0x12 })).toEqual({
      ok: true,
      status: {
        online: true,
        coverOpen: null,
        paperOut: null,
        paperNearEnd: null,
        error: null,
        autocutterError: null,
        unrecoverableError: null,
        autoRecoverableError: null,
        feedButtonPressed: false,
      },
    });
  });

  it('combines an open cover seen as offline', () => {
    const r = combineStatus({ 1: 0x1a, 2: 0x16, 3: 0x12, 4: 0x12 });
    expect(r).toMatchObject({ ok: true, status: { online: false, coverOpen: true, paperOut: false, error: false } });
    if (r.ok) expect(statusProblems(r.status)).toEqual(['COVER_OPEN']);
  });

  it('takes paper out from n=2 or n=4', () => {
    const a = combineStatus({ 2: 0x32, 4: 0x12 });
    const b = combineStatus({ 2: 0x12, 4: 0x72 });
    expect(a.ok && a.status.paperOut).toBe(true);
    expect(b.ok && b.status.paperOut).toBe(true);
  });

  it('counts any n=3 cause as an error', () => {
    const r = combineStatus({ 2: 0x12, 3: 0x1a });
    expect(r).toMatchObject({ ok: true, status: { error: true, autocutterError: true } });
    if (r.ok) expect(statusProblems(r.status)).toEqual(['CUTTER_ERROR']);
  });

  it('names the request whose reply was invalid', () => {
    expect(combineStatus({ 1: 0x12, 3: 0x00 })).toEqual({ ok: false, error: 'INVALID_STATUS_BYTE', n: 3, byte: 0x00 });
  });
});

describe('statusProblems', () => {
  it('is empty when all is well, lists near end as a warning, and only falls back to OFFLINE or ERROR unexplained', () => {
    const all = combineStatus({ 1: 0x12, 2: 0x12, 3: 0x12, 4: 0x12 });
    expect(all.ok && statusProblems(all.status)).toEqual([]);
    const near = combineStatus({ 1: 0x12, 4: 0x1e });
    expect(near.ok && statusProblems(near.status)).toEqual(['PAPER_NEAR_END']);
    const offline = combineStatus({ 1: 0x1a });
    expect(offline.ok && statusProblems(offline.status)).toEqual(['OFFLINE']);
    const errorOnly = combineStatus({ 1: 0x1a, 2: 0x52 });
    expect(errorOnly.ok && statusProblems(errorOnly.status)).toEqual(['ERROR']);
    const many = combineStatus({ 1: 0x1a, 2: 0x76, 3: 0x1a, 4: 0x7e });
    expect(many.ok && statusProblems(many.status)).toEqual(['COVER_OPEN', 'PAPER_OUT', 'CUTTER_ERROR', 'PAPER_NEAR_END']);
  });
});
