import { copyFileSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DossierService } from '../../server/app/dossier-service';
import { fixedConfig } from '../../server/config/centre-config';
import { statusChangeSchema } from '../../server/domain/dossier-register';
import { DossierStore } from '../../server/store/dossier-store';
import { memoryLogger, tempDataDir } from '../helpers/hub-fixture';
import { testCentre } from '../helpers/test-centre';

/**
 * The dossier register on disk (dossiers/register.json + changes-<seq>.jsonl): a start reads it
 * without rewriting it; journal records found at start are folded in later, behind the register's
 * barrier; and no acknowledged change is lost whichever step a crash interrupts.
 */

const clock = { now: Date.parse('2026-11-26T09:00:00+07:00') };
const config = fixedConfig(testCentre());

function dossier(n: number) {
  return {
    code: `000.00.15.H29-261120-${String(n).padStart(4, '0')}`,
    lookupKey: `KEY${n}X`,
    procedure: 'Đăng ký khai sinh',
    field: 'Hộ tịch',
    applicant: { name: 'Nguyễn Văn An', phone: '0901234567', email: 'an@example.vn', lang: 'vi' },
    receivedAt: '2026-11-20T09:00:00+07:00',
    dueAt: '2026-11-27T17:00:00+07:00',
    status: 2,
    delivery: 'centre',
    collectAt: 'Quầy 1',
  };
}

/** Stores a test left open (a process that "died" holding its journal): closed after the test. */
const opened: DossierStore[] = [];
afterEach(async () => {
  for (const store of opened.splice(0)) await store.close();
});

/** A register as the hub has it: a store on the data folder and the service over it, started. */
async function open(dataDir: string) {
  const store = new DossierStore(dataDir);
  opened.push(store);
  const log = memoryLogger();
  const service = new DossierService({ config, store, clock: () => clock.now, log });
  const started = await service.start();
  return { store, service, started, log };
}

const folder = (dataDir: string) => join(dataDir, 'dossiers');
const registerFile = (dataDir: string) => join(folder(dataDir), 'register.json');
const journals = (dataDir: string) => readdirSync(folder(dataDir)).filter((n) => /^changes-\d+\.jsonl$/.test(n)).sort();
/** What says "this file was rewritten": lowdb's adapter writes a temp file and renames it over. */
const identity = (file: string) => {
  const s = statSync(file);
  return { ino: s.ino, mtimeMs: s.mtimeMs, size: s.size };
};
const snapshotSeq = (dataDir: string) => (JSON.parse(readFileSync(registerFile(dataDir), 'utf8')) as { seq: number }).seq;

async function addDossiers(service: DossierService, from: number, count: number) {
  const result = await service.importBatch(Array.from({ length: count }, (_, i) => dossier(from + i)));
  expect(result.ok).toBe(true);
}

async function finish(service: DossierService, n: number) {
  const result = await service.changeStatus(dossier(n).code, statusChangeSchema.parse({ status: 9, at: '2026-11-26T08:30:00+07:00' }));
  expect(result).toEqual({ ok: true, data: { changed: true } });
}

/** A data folder with a snapshot of dossiers 1-10 (seq 1) and no journal records after it. */
async function compactedFolder(): Promise<string> {
  const dataDir = tempDataDir();
  const first = await open(dataDir);
  await addDossiers(first.service, 1, 10);
  await first.store.close();
  const second = await open(dataDir);
  expect(second.started.replayed).toBe(1);
  await second.service.compactIfNewDay();
  await second.store.close();
  expect(snapshotSeq(dataDir)).toBe(1);
  expect(journals(dataDir)).toEqual(['changes-2.jsonl']);
  return dataDir;
}

describe('the dossier register on disk', () => {
  it('a start with nothing to fold in does not rewrite the register, and what changes after it survives a restart', async () => {
    const dataDir = await compactedFolder();
    const before = identity(registerFile(dataDir));

    const hub = await open(dataDir);
    expect(hub.started).toEqual({ dossiers: 10, replayed: 0, dropped: 0 });
    expect(identity(registerFile(dataDir))).toEqual(before);
    // The same day's check finds nothing to do either.
    await hub.service.compactIfNewDay();
    expect(identity(registerFile(dataDir))).toEqual(before);

    // Changes after such a start are acknowledged from the journal; the hub dies without closing.
    await addDossiers(hub.service, 11, 5);
    await finish(hub.service, 3);
    expect(identity(registerFile(dataDir))).toEqual(before);
    expect(journals(dataDir)).toEqual(['changes-2.jsonl']);

    const again = await open(dataDir);
    expect(again.started).toEqual({ dossiers: 15, replayed: 2, dropped: 0 });
    expect(again.service.get(dossier(3).code)?.history.map((h) => h.status)).toEqual([2, 9]);
    expect(again.service.get(dossier(15).code)).toBeDefined();
    // Records to fold in: still not rewritten at start...
    expect(identity(registerFile(dataDir))).toEqual(before);
    // ...but by the first compaction, after which the journal it folded in is gone.
    await again.service.compactIfNewDay();
    expect(identity(registerFile(dataDir)).ino).not.toBe(before.ino);
    expect(snapshotSeq(dataDir)).toBe(3);
    expect(journals(dataDir)).toEqual(['changes-4.jsonl']);
    await again.store.close();

    const third = await open(dataDir);
    expect(third.started).toEqual({ dossiers: 15, replayed: 0, dropped: 0 });
    expect(third.service.get(dossier(3).code)?.history.map((h) => h.status)).toEqual([2, 9]);
    await third.store.close();
    await hub.store.close();
  });

  it('a first start on an empty folder writes no register, and a restart keeps what was added', async () => {
    const dataDir = tempDataDir();
    const first = await open(dataDir);
    expect(existsSync(registerFile(dataDir))).toBe(false);
    expect(journals(dataDir)).toEqual(['changes-1.jsonl']);
    await addDossiers(first.service, 1, 3);
    const second = await open(dataDir);
    expect(second.started).toEqual({ dossiers: 3, replayed: 1, dropped: 0 });
    await second.service.compactIfNewDay();
    await second.store.close();
    await first.store.close();
    expect((await open(dataDir)).started).toEqual({ dossiers: 3, replayed: 0, dropped: 0 });
  });

  it('changes made while the compaction after a start runs wait for it, and none is lost', async () => {
    const dataDir = await compactedFolder();
    const first = await open(dataDir);
    await addDossiers(first.service, 11, 5);
    const hub = await open(dataDir);
    const compaction = hub.service.compactIfNewDay();
    // Pushed while the register is being rewritten: answered after it, into the new journal.
    const during = Promise.all([addDossiers(hub.service, 16, 2), finish(hub.service, 12)]);
    await Promise.all([compaction, during]);
    expect(snapshotSeq(dataDir)).toBe(2);
    expect(journals(dataDir)).toEqual(['changes-3.jsonl']);
    const again = await open(dataDir);
    expect(again.started).toEqual({ dossiers: 17, replayed: 2, dropped: 0 });
    expect(again.service.get(dossier(12).code)?.history.map((h) => h.status)).toEqual([2, 9]);
  });

  it('closing the store waits for a compaction under way', async () => {
    const dataDir = await compactedFolder();
    const first = await open(dataDir);
    await addDossiers(first.service, 11, 5);
    const hub = await open(dataDir);
    const compaction = hub.service.compactIfNewDay();
    await hub.store.close();
    // The compaction had finished when close() returned: the snapshot holds everything.
    expect(snapshotSeq(dataDir)).toBe(2);
    expect(journals(dataDir)).toEqual(['changes-3.jsonl']);
    await compaction;
    expect((await open(dataDir)).started).toEqual({ dossiers: 15, replayed: 0, dropped: 0 });
  });

  it('a crash between the new snapshot and the removal of the journals it holds loses and repeats nothing', async () => {
    const dataDir = await compactedFolder();
    const first = await open(dataDir);
    await addDossiers(first.service, 11, 5);
    await finish(first.service, 11);
    const kept = join(dataDir, 'kept-journal');
    copyFileSync(join(folder(dataDir), 'changes-2.jsonl'), kept);
    const second = await open(dataDir);
    await second.service.compactIfNewDay();
    await second.store.close();
    // As if the process died after the rename, before it removed the old journal.
    copyFileSync(kept, join(folder(dataDir), 'changes-2.jsonl'));
    expect(journals(dataDir)).toEqual(['changes-2.jsonl', 'changes-4.jsonl']);
    const before = identity(registerFile(dataDir));

    const again = await open(dataDir);
    expect(again.started).toEqual({ dossiers: 15, replayed: 0, dropped: 0 });
    // The status was applied once, not twice; the covered journal is gone, the register untouched.
    expect(again.service.get(dossier(11).code)?.history.map((h) => h.status)).toEqual([2, 9]);
    expect(journals(dataDir)).toEqual(['changes-4.jsonl']);
    expect(identity(registerFile(dataDir))).toEqual(before);
  });

  it('a crash before the new snapshot was renamed in leaves the old one and every journal', async () => {
    const dataDir = await compactedFolder();
    const first = await open(dataDir);
    await addDossiers(first.service, 11, 5);
    await first.store.close();
    // A snapshot cut off mid-write, never renamed over register.json.
    writeFileSync(join(folder(dataDir), 'register.json.tmp'), '{"seq":9,"dossiers":[{"code":');
    const again = await open(dataDir);
    expect(again.started).toEqual({ dossiers: 15, replayed: 1, dropped: 0 });
    await again.service.compactIfNewDay();
    await again.store.close();
    expect((await open(dataDir)).started).toEqual({ dossiers: 15, replayed: 0, dropped: 0 });
  });

  it('a change whose write fails while the nightly compaction starts is refused, and is not in the new register', async () => {
    const dataDir = await compactedFolder();
    const { store, service } = await open(dataDir);
    const append = store.append.bind(store);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    store.append = async () => {
      await gate;
      throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
    };
    const refused = service.changeStatus(dossier(3).code, statusChangeSchema.parse({ status: 9, at: '2026-11-26T08:30:00+07:00' }));
    const nextDay = clock.now + 86_400_000;
    const previous = clock.now;
    clock.now = nextDay;
    try {
      const compaction = service.compactIfNewDay();
      release();
      expect(await refused).toEqual({ ok: false, error: 'STORAGE_FAILED' });
      await compaction;
      store.append = append;
      expect(service.get(dossier(3).code)?.status).toBe(2);
      await store.close();
      const again = await open(dataDir);
      expect(again.service.get(dossier(3).code)?.status).toBe(2);
      await again.store.close();
    } finally {
      clock.now = previous;
    }
  });

  it('the nightly compaction leaves the register alone on a day nothing changed, and folds in a day that did', async () => {
    const dataDir = await compactedFolder();
    const previous = clock.now;
    try {
      const { store, service } = await open(dataDir);
      const before = identity(registerFile(dataDir));
      clock.now += 86_400_000;
      await service.compactIfNewDay();
      expect(identity(registerFile(dataDir))).toEqual(before);
      await finish(service, 4);
      clock.now += 86_400_000;
      await service.compactIfNewDay();
      expect(identity(registerFile(dataDir))).not.toEqual(before);
      expect(snapshotSeq(dataDir)).toBe(2);
      await store.close();
      const again = await open(dataDir);
      expect(again.started.replayed).toBe(0);
      expect(again.service.get(dossier(4).code)?.status).toBe(9);
      await again.store.close();
    } finally {
      clock.now = previous;
    }
  });
});
