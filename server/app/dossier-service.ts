import type { CentreConfig, ConfigSource } from '../config/centre-config';
import {
  applyDossierChange,
  decideStatus,
  decideUpsert,
  dossierInputSchema,
  FINISHED_STATUSES,
  maskName,
  type Dossier,
  quietChange,
  type DossierChange,
  type DossierInput,
  type StatusChangeInput,
} from '../domain/dossier-register';
import { timeliness, timelinessKind, type LocalCalendar } from '../domain/dossier-deadline';
import type { WorkingCalendar } from '../domain/working-calendar';
import type { Logger } from '../logger';
import type { ErrorCode } from '../protocol/error-codes';
import type { DeadlineRow, DossierBoard, DossierLookupView, TimelinessView } from '../protocol/views';
import type { DossierStore } from '../store/dossier-store';
import { localDayOf, localMidnightOf } from './local-time';

export interface DossierChangeNotice {
  before: Dossier | null;
  after: Dossier;
  at: number;
  /** A bulk load: applicants are not messaged for it. */
  quiet?: boolean;
}

export type DossierResult<T> = { ok: true; data: T } | { ok: false; error: ErrorCode };
export interface ImportRejection {
  index: number;
  field: string;
  reason: string;
}

const RESULTS_SHOWN = 20;

/**
 * The register of dossiers: what the one-stop software pushes, kept durable (a journal line per
 * change, acknowledged after fsync), looked up by visitors with code and key, summarised for the
 * wall display and the supervisor. Changes are told to listeners (notifications) after they are on
 * disk.
 */
export class DossierService {
  private readonly register = new Map<string, Dossier>();
  private readonly listeners = new Set<(notice: DossierChangeNotice) => void>();
  private seq = 0;
  private barrier: Promise<void> | null = null;
  private board: { at: number; value: DossierBoard } | null = null;
  private derived: { from: CentreConfig; province: unknown; codePattern: RegExp; calendar: WorkingCalendar; local: LocalCalendar } | null = null;
  private compactedDay = '';
  /** Changes applied in memory whose journal write has not settled yet. */
  private readonly inflight = new Set<Promise<unknown>>();
  /** The last change the snapshot on disk holds. */
  private snapshotSeq = -1;
  /** Set while the register is read back from disk after a failed write. */
  private reloading: Promise<void> | null = null;
  /**
   * Dossiers as changes decided but not yet on disk leave them, by code, with the change's seq:
   * the next decision about a dossier sees them, while the register (what lookups, the board and
   * the supervisor read) takes a change only once it is stored.
   */
  private readonly pending = new Map<string, { seq: number; dossier: Dossier | undefined }>();

  constructor(
    private readonly deps: {
      config: ConfigSource;
      store: DossierStore;
      clock: () => number;
      log: Logger;
      /**
       * Nobody is messaged about changes stored while this is set (notifications are off this run):
       * they are stored quiet, so switching notifications on later does not send them.
       */
      silent?: boolean;
      /** A linked centre: the province's days off and make-up days, counted in deadlines too. */
      provinceDays?: () => { holidays: readonly string[]; workdays: readonly string[] } | null;
      /** The procedure catalog's code for a dossier's procedure, by its name (null: not in it). */
      procedureCodeOf?: (name: string) => string | null;
    },
  ) {}

  /** What the configuration gives the register, rebuilt when the configuration changes. */
  private get rules() {
    const config = this.deps.config.current;
    const province = this.deps.provinceDays?.() ?? null;
    if (this.derived?.from !== config || this.derived.province !== province) {
      const { dossiers, centre } = config;
      this.derived = {
        from: config,
        province,
        codePattern: new RegExp(dossiers.codePattern),
        calendar: {
          weekend: dossiers.calendar.weekend,
          holidays: new Set([...dossiers.calendar.holidays, ...(province?.holidays ?? [])]),
          workdays: new Set([...dossiers.calendar.workdays, ...(province?.workdays ?? [])]),
        },
        local: { localDay: (ms) => localDayOf(ms, centre.timeZone), localMidnight: (day) => localMidnightOf(day, centre.timeZone) },
      };
    }
    return this.derived;
  }

  private get codePattern(): RegExp {
    return this.rules.codePattern;
  }

  private get calendar(): WorkingCalendar {
    return this.rules.calendar;
  }

  private get local(): LocalCalendar {
    return this.rules.local;
  }

  /**
   * Loads the snapshot and the journals, and opens a journal for the next changes. The register is
   * not rewritten here (37,000 dossiers a year: half a second): with nothing to fold in it is
   * already current; with journal records to fold in, the first compactIfNewDay() does it behind
   * the barrier, after the hub has started (the hub calls it then, and every day check).
   */
  async start(): Promise<{ dossiers: number; replayed: number; dropped: number }> {
    const { snapshot, records, reports } = await this.deps.store.load();
    for (const dossier of snapshot.dossiers) this.register.set(dossier.code, dossier);
    this.seq = snapshot.seq;
    for (const record of records) {
      record.changes.forEach((change) => applyDossierChange(this.register, change));
      this.seq = Math.max(this.seq, record.seq);
    }
    const dropped = reports.reduce((n, r) => n + r.dropped.length, 0);
    if (dropped > 0) this.deps.log.error('the dossier journal was damaged: what is intact was kept', { dropped: reports.flatMap((r) => r.dropped) });
    const current = records.length === 0;
    await this.deps.store.resume(this.seq, { snapshotCoversAll: current });
    this.snapshotSeq = snapshot.seq;
    // Left empty when there is something to fold in: the next compactIfNewDay() compacts.
    this.compactedDay = current ? this.local.localDay(this.deps.clock()) : '';
    return { dossiers: this.register.size, replayed: records.length, dropped };
  }

  /** Once a night: a fresh snapshot, so the next start reads one file and a short journal. */
  async compactIfNewDay(): Promise<void> {
    const today = this.local.localDay(this.deps.clock());
    if (today === this.compactedDay || this.barrier) return;
    this.compactedDay = today;
    // Nothing changed since the snapshot: rewriting a year of dossiers would only block the hub.
    if (this.seq === this.snapshotSeq && this.inflight.size === 0) return;
    this.barrier = (async () => {
      try {
        // Changes already applied in memory but not yet on disk settle first: one whose write fails
        // is taken back (reload), and must not reach the snapshot.
        while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
        const seq = this.seq;
        await this.deps.store.compact(seq, [...this.register.values()]);
        this.snapshotSeq = seq;
      } catch (error) {
        this.deps.log.error('could not compact the dossier register', { error: String(error) });
      }
    })().finally(() => (this.barrier = null));
    await this.barrier;
  }

  onChange(listener: (notice: DossierChangeNotice) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get size(): number {
    return this.register.size;
  }

  get(code: string): Dossier | undefined {
    return this.register.get(code);
  }

  /** Create or update a dossier by code. The same push twice is one change. */
  async upsert(input: DossierInput): Promise<DossierResult<{ changed: boolean }>> {
    // Inline, not `await this.ready()`: an awaited call resumes a turn later, when a compaction may
    // have begun; this loop's last check and the commit below run in the same turn.
    while (this.barrier || this.reloading) await (this.barrier ?? this.reloading);
    const decision = decideUpsert(this.decided(input.code), input, this.codePattern, this.deps.clock());
    if (!decision.ok) return { ok: false, error: decision.error };
    if (!decision.change) return { ok: true, data: { changed: false } };
    const result = await this.commit([decision.change]);
    return result.ok ? { ok: true, data: { changed: true } } : result;
  }

  async changeStatus(code: string, input: StatusChangeInput): Promise<DossierResult<{ changed: boolean }>> {
    // Inline, not `await this.ready()`: an awaited call resumes a turn later, when a compaction may
    // have begun; this loop's last check and the commit below run in the same turn.
    while (this.barrier || this.reloading) await (this.barrier ?? this.reloading);
    const decision = decideStatus(this.decided(code), input);
    if (!decision.ok) return { ok: false, error: decision.error };
    if (!decision.change) return { ok: true, data: { changed: false } };
    const result = await this.commit([decision.change]);
    return result.ok ? { ok: true, data: { changed: true } } : result;
  }

  /**
   * A bulk load, all or nothing: every row is checked first; if any is wrong nothing is applied and
   * every wrong row is reported. Then the whole batch is one journal record.
   */
  async importBatch(
    rows: unknown[],
  ): Promise<{ ok: true; data: { received: number; created: number; updated: number; unchanged: number } } | { ok: false; error: ErrorCode; rejected: ImportRejection[] }> {
    // Inline, not `await this.ready()`: an awaited call resumes a turn later, when a compaction may
    // have begun; this loop's last check and the commit below run in the same turn.
    while (this.barrier || this.reloading) await (this.barrier ?? this.reloading);
    const rejected: ImportRejection[] = [];
    const changes: DossierChange[] = [];
    const seen = new Map<string, number>();
    let created = 0;
    let updated = 0;
    const now = this.deps.clock();
    rows.forEach((row, index) => {
      const parsed = dossierInputSchema.safeParse(row);
      if (!parsed.success) {
        for (const issue of parsed.error.issues) rejected.push({ index, field: issue.path.join('.') || '(row)', reason: issue.message });
        return;
      }
      const earlier = seen.get(parsed.data.code);
      if (earlier !== undefined) return void rejected.push({ index, field: 'code', reason: `repeats row ${earlier}` });
      seen.set(parsed.data.code, index);
      const existing = this.decided(parsed.data.code);
      const decision = decideUpsert(existing, parsed.data, this.codePattern, now);
      if (!decision.ok) return void rejected.push({ index, field: decision.error === 'INVALID_DOSSIER_CODE' ? 'code' : 'dueAt', reason: decision.error });
      if (!decision.change) return;
      changes.push(decision.change);
      if (existing) updated += 1;
      else created += 1;
    });
    if (rejected.length > 0) return { ok: false, error: 'INVALID_PAYLOAD', rejected };
    if (changes.length > 0) {
      const result = await this.commit(changes, true);
      if (!result.ok) return { ok: false, error: result.error, rejected: [] };
    }
    return { ok: true, data: { received: rows.length, created, updated, unchanged: rows.length - created - updated } };
  }

  /** A visitor's lookup: the right code and key, or nothing (a wrong key reveals nothing). */
  lookup(code: string, key: string): DossierLookupView | null {
    const dossier = this.register.get(code.trim()) ?? this.register.get(code.trim().toUpperCase());
    if (!dossier || dossier.lookupKey !== key.trim().toUpperCase()) return null;
    return {
      code: dossier.code,
      procedure: dossier.procedure,
      procedureCode: this.deps.procedureCodeOf?.(dossier.procedure) ?? null,
      field: dossier.field,
      applicantMasked: maskName(dossier.applicant.name),
      receivedAt: dossier.receivedAt,
      dueAt: dossier.dueAt,
      status: dossier.status,
      delivery: dossier.delivery,
      collectAt: dossier.collectAt,
      timeliness: this.timelinessOf(dossier, this.deps.clock()),
      history: dossier.history.map((h) => ({ at: h.at, status: h.status })),
    };
  }

  /** Every dossier held (for the notifications' catch-up at start). */
  all(): IterableIterator<Dossier> {
    return this.register.values();
  }

  /** Unfinished dossiers past their due moment. */
  overdue(now: number): Dossier[] {
    const out: Dossier[] = [];
    for (const d of this.register.values()) if (d.finishedAt === null && timelinessKind(d, now, this.local.localDay) === 'late') out.push(d);
    return out;
  }

  /** For the supervisor: unfinished dossiers past their deadline or within the configured working days of it. */
  deadlines(now: number): DeadlineRow[] {
    const rows: DeadlineRow[] = [];
    const near = this.deps.config.current.dossiers.nearDeadlineWorkingDays;
    for (const d of this.register.values()) {
      if (d.finishedAt !== null) continue;
      const t = this.timelinessOf(d, now);
      if (t.kind === 'late' || (t.kind === 'in-time' && t.workingDaysLeft <= near))
        rows.push({ code: d.code, procedure: d.procedure, field: d.field, applicantName: d.applicant.name, dueAt: d.dueAt, status: d.status, timeliness: t });
    }
    return rows.sort((a, b) => a.dueAt - b.dueAt);
  }

  /** The results board and this month's counts; rebuilt when a dossier changes, or after a minute. */
  publicBoard(): DossierBoard {
    const now = this.deps.clock();
    if (this.board && now - this.board.at < 60_000) return this.board.value;
    const month = this.local.localDay(now).slice(0, 7);
    const ready: Dossier[] = [];
    const counts = { early: 0, onTime: 0, late: 0, overdue: 0, month };
    for (const d of this.register.values()) {
      if (d.status === 9) ready.push(d);
      if (d.finishedAt !== null) {
        if (!this.local.localDay(d.finishedAt).startsWith(month)) continue;
        const kind = timelinessKind(d, now, this.local.localDay);
        if (kind === 'early') counts.early += 1;
        else if (kind === 'on-time') counts.onTime += 1;
        else if (kind === 'late') counts.late += 1;
      } else if (timelinessKind(d, now, this.local.localDay) === 'late') counts.overdue += 1;
    }
    ready.sort((a, b) => (b.finishedAt ?? 0) - (a.finishedAt ?? 0));
    const value: DossierBoard = {
      resultsReady: ready.slice(0, RESULTS_SHOWN).map((d) => ({
        code: d.code,
        applicantMasked: maskName(d.applicant.name),
        collectAt: d.collectAt,
        readyAt: d.finishedAt ?? d.updatedAt,
      })),
      counts,
    };
    this.board = { at: now, value };
    return value;
  }

  private timelinessOf(dossier: Dossier, now: number): TimelinessView {
    const t = timeliness(dossier, now, this.calendar, this.local);
    if (t.kind === 'early' || t.kind === 'on-time') return { kind: t.kind };
    return t;
  }


  private commit(changes: DossierChange[], bulk = false): Promise<DossierResult<null>> {
    // A bulk load (or any change while notifications are off) is marked quiet in the journal itself,
    // so it stays silent when read back at a restart.
    const quiet = bulk || this.deps.silent === true;
    const run = this.commitNow(quiet ? changes.map(quietChange) : changes, quiet);
    this.inflight.add(run);
    run.finally(() => this.inflight.delete(run)).catch(() => undefined);
    return run;
  }

  /** A dossier as the changes decided so far leave it (stored or not): what decisions read. */
  private decided(code: string): Dossier | undefined {
    const pending = this.pending.get(code);
    return pending ? pending.dossier : this.register.get(code);
  }

  private async commitNow(changes: DossierChange[], quiet: boolean): Promise<DossierResult<null>> {
    const codeOf = (c: DossierChange) => (c.type === 'dossier-upserted' ? c.dossier.code : c.code);
    const seq = ++this.seq;
    // What the changes make of each dossier, worked out on copies: the register is not touched yet.
    const scratch = new Map<string, Dossier>();
    for (const change of changes) {
      const code = codeOf(change);
      if (!scratch.has(code)) {
        const base = this.decided(code);
        if (base) scratch.set(code, structuredClone(base));
      }
      applyDossierChange(scratch, change);
    }
    for (const change of changes) this.pending.set(codeOf(change), { seq, dossier: scratch.get(codeOf(change)) });
    const before = changes.map((c) => {
      const existing = this.register.get(codeOf(c));
      return existing ? structuredClone(existing) : null;
    });
    try {
      await this.deps.store.append({ seq, changes });
    } catch (error) {
      this.deps.log.error('dossier journal write failed: the change was refused', { error: String(error) });
      await this.reload();
      return { ok: false, error: 'STORAGE_FAILED' };
    }
    // Stored: now the register (and every reader) has it.
    changes.forEach((change) => applyDossierChange(this.register, change));
    for (const change of changes) if (this.pending.get(codeOf(change))?.seq === seq) this.pending.delete(codeOf(change));
    this.board = null;
    changes.forEach((change, i) => {
      const after = this.register.get(codeOf(change));
      if (!after) return;
      for (const listener of this.listeners) {
        try {
          listener({ before: before[i] ?? null, after, at: change.at, ...(quiet ? { quiet } : {}) });
        } catch (error) {
          this.deps.log.error('dossier listener failed', { error: String(error) });
        }
      }
    });
    return { ok: true, data: null };
  }

  /**
   * After a failed write: forget what is not on disk. New changes wait for it (a change decided on
   * the state being replaced would be lost with it); a compaction under way waits for it too, as it
   * waits for every change in flight. The register is swapped in one go, so a lookup never sees it
   * half read.
   */
  private reload(): Promise<void> {
    this.reloading ??= (async () => {
      this.pending.clear();
      const { snapshot, records } = await this.deps.store.load();
      const fresh = new Map<string, Dossier>();
      for (const dossier of snapshot.dossiers) fresh.set(dossier.code, dossier);
      for (const record of records) record.changes.forEach((change) => applyDossierChange(fresh, change));
      this.register.clear();
      for (const [code, dossier] of fresh) this.register.set(code, dossier);
      this.board = null;
    })().finally(() => (this.reloading = null));
    return this.reloading;
  }
}

export { FINISHED_STATUSES };
