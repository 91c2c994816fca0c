import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { applyLinkOutRecord, compactedRecords, createLinkOutState, messagesFor, messagesToSend, type LinkOutState } from '../../server/domain/link-outbox';
import { FileLinkOutboxStore } from '../../server/store/link-outbox-store';

/**
 * The hub's outbox to the province, compacted: the messages the province applied leave the file
 * (a snapshot keeps their keys), what is pending stays, and the state read back is the same.
 */

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

const stateOf = (records: Parameters<typeof applyLinkOutRecord>[1][]): LinkOutState => {
  const state = createLinkOutState();
  for (const r of records) expect(applyLinkOutRecord(state, r)).toBeNull();
  return state;
};

describe('the link outbox file, compacted', () => {
  it('keeps only what is pending and reads back as the same state: nothing queued again, nothing lost', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'luot-outbox-'));
    dirs.push(dir);
    const store = new FileLinkOutboxStore(dir);
    const state = stateOf((await store.open()).records);
    const write = async (records: Parameters<typeof applyLinkOutRecord>[1][]) => {
      await store.append(records);
      for (const r of records) expect(applyLinkOutRecord(state, r)).toBeNull();
    };
    await write([{ type: 'linked', day: '2026-12-07', at: 1 }]);
    const checkIns = Array.from({ length: 1200 }, (_, i) => ({ bookingId: `b${i}`, ticketId: `t${i}`, ticketNumber: `A${String(i % 1000).padStart(3, '0')}`, at: 10 + i }));
    for (let i = 0; i < checkIns.length; i += 100) await write(messagesFor(state, 10 + i, { checkIns: checkIns.slice(i, i + 100) }));
    await write([{ type: 'acked', upTo: 1190 }]);
    const before = (await readFile(join(dir, 'link', 'outbox.jsonl'))).length;

    await store.replace(compactedRecords(state));
    const after = (await readFile(join(dir, 'link', 'outbox.jsonl'))).length;
    expect(after).toBeLessThan(before / 4);
    // Appends go on into the new file.
    await write(messagesFor(state, 2000, { checkIns: [{ bookingId: 'late', ticketId: 't-late', ticketNumber: 'B001', at: 2000 }] }));
    await store.close();

    const reopened = new FileLinkOutboxStore(dir);
    const opened = await reopened.open();
    expect(opened.report.dropped).toEqual([]);
    const read = stateOf(opened.records);
    expect(read.seq).toBe(1201);
    expect(read.acked).toBe(1190);
    expect(messagesToSend(read, 1190, 100).map((m) => m.seq)).toEqual(Array.from({ length: 11 }, (_, i) => 1191 + i));
    expect(read.linkedSince).toBe('2026-12-07');
    // Every fact queued before, applied or not, is still known: none is queued a second time.
    expect(messagesFor(read, 3000, { checkIns: [...checkIns, { bookingId: 'late', ticketId: 't-late', ticketNumber: 'B001', at: 2000 }] })).toEqual([]);
    // Compacted again, it is the same.
    expect(compactedRecords(read)).toEqual(compactedRecords(state));
    await reopened.close();
  });

  it('refuses a snapshot after other records (a damaged file is reported, not trusted)', () => {
    const state = stateOf([{ type: 'linked', day: '2026-12-07', at: 1 }, ...messagesFor(createLinkOutState(), 1, { checkIns: [{ bookingId: 'a', ticketId: 't', ticketNumber: 'A001', at: 1 }] })]);
    expect(applyLinkOutRecord(state, { type: 'snapshot', seq: 5, acked: 5, keys: [], linkedSince: null, reportedThrough: null })).toMatch(/snapshot after/);
  });
});
