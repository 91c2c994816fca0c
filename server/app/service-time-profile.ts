import { join } from 'node:path';
import { Low } from 'lowdb';
import type { Ticket } from '../domain/queue-state';
import { DurableJsonFile } from '../store/durable-json-file';
import { domainContext } from './local-time';

interface ProfileData {
  /** The last day learned from. */
  learnedDay: string | null;
  /** Per service, per local hour (0-23): decayed sum of service minutes and decayed count. */
  services: Record<string, { minutes: number[]; count: number[] }>;
}

/** Older days weigh less: each new day multiplies what was learned before by this. */
const DECAY = 0.9;
/** Below this many (decayed) visitors an hour says nothing yet. */
const ENOUGH = 3;

/**
 * Waiting times that learn: how long a visitor of each service takes at each hour of the day,
 * learned from every finished day (when it is archived) and kept in a small file. The morning's
 * first estimates then come from past mornings rather than a configured guess.
 */
export class ServiceTimeProfile {
  private constructor(private readonly db: Low<ProfileData>) {}

  static async open(dataDir: string): Promise<ServiceTimeProfile> {
    const db = new Low<ProfileData>(new DurableJsonFile(join(dataDir, 'service-times.json')), { learnedDay: null, services: {} });
    await db.read();
    return new ServiceTimeProfile(db);
  }

  /** Average service minutes for a service at an hour, or null when past days say too little. */
  minutes(serviceId: string, hour: number): number | null {
    const profile = this.db.data.services[serviceId];
    const count = profile?.count[hour] ?? 0;
    return profile && count >= ENOUGH ? profile.minutes[hour]! / count : null;
  }

  /** Learns from a finished day's served tickets (once per day). */
  async learn(day: string, tickets: readonly Ticket[], timeZone: string): Promise<void> {
    if (this.db.data.learnedDay !== null && day <= this.db.data.learnedDay) return;
    // Worked out on a copy and stored before it is used: a write the disk refuses changes nothing.
    const next: ProfileData = structuredClone(this.db.data);
    for (const profile of Object.values(next.services)) {
      profile.minutes = profile.minutes.map((m) => m * DECAY);
      profile.count = profile.count.map((c) => c * DECAY);
    }
    for (const t of tickets) {
      if (t.status !== 'done' || t.finishedAt === null || t.calledAt === null) continue;
      const started = t.servingAt ?? t.calledAt;
      const hour = Math.floor(domainContext(started, timeZone).minuteOfDay / 60);
      const profile = (next.services[t.serviceId] ??= { minutes: Array(24).fill(0), count: Array(24).fill(0) });
      profile.minutes[hour]! += (t.finishedAt - started) / 60_000;
      profile.count[hour]! += 1;
    }
    next.learnedDay = day;
    await this.db.adapter.write(next);
    this.db.data = next;
  }
}
