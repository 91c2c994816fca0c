import { describe, expect, it } from 'vitest';
import { localDayOf, localInstantOf } from '../../server/app/local-time';
import type { BookingDayView } from '../../server/protocol/booking-protocol';
import { addDays } from '../../server/domain/working-calendar';
import { newCommandId, tempDataDir } from '../helpers/hub-fixture';
import { killHard, spawnHub } from '../helpers/hub-process';
import { testCentreInput } from '../helpers/test-centre';
import { LARGE } from './sizes';

const KILLS = LARGE ? 12 : 3;
const ZONE = 'Asia/Ho_Chi_Minh';

/**
 * kill -9 while phones book the last places: after every restart each acknowledged booking is
 * there, no slot holds more than its places, and a repeated command gets its first answer byte for
 * byte. The hub runs as its own process with the real clock, so the slots are two days ahead.
 */
describe('crash: kill -9 while citizens book', () => {
  it('acknowledged bookings survive, places are never exceeded, repeats get their first answer', async () => {
    const dataDir = tempDataDir();
    const config = testCentreInput();
    config.dossiers = { calendar: { weekend: [], holidays: [], workdays: [] } };
    config.booking = {
      enabled: true,
      phoneCheck: 'off',
      limits: { perPhone: { burst: 1_000_000, perMinute: 10_000_000 }, perAddress: { burst: 1_000_000, perMinute: 10_000_000 } },
      services: [{ serviceId: 'ho-tich', slots: [{ days: [1, 2, 3, 4, 5, 6, 7], from: '08:00', to: '11:00', slotMinutes: 60, places: 150 }] }],
    };
    const day = addDays(localDayOf(Date.now(), ZONE), 2);
    const slots = [8, 9, 10].map((h) => localInstantOf(day, h * 60, ZONE));
    const acknowledged: { code: string; phone: string; commandId: string; holdId: string; raw: string }[] = [];
    let phoneSeq = 0;
    const perRound: number[] = [];

    for (let round = 0; round < KILLS; round++) {
      const hub = await spawnHub(dataDir, config);
      const post = (path: string, body: unknown) =>
        fetch(`${hub.url}/api/booking${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

      // What was acknowledged before the kill is all there, and a repeat gets the same bytes.
      for (const a of acknowledged) {
        const again = await post('/confirm', { commandId: a.commandId, holdId: a.holdId });
        expect(await again.text()).toBe(a.raw);
        const found = await post('/lookup', { code: a.code, phone: a.phone });
        expect(found.status).toBe(200);
      }
      const days = (await (await fetch(`${hub.url}/api/booking/days?serviceId=ho-tich`)).json()) as { days: BookingDayView[] };
      const target = days.days.find((d) => d.day === day)!;
      const taken = target.slots.reduce((n, s) => n + (s.places - s.left), 0);
      for (const s of target.slots) expect(s.left).toBeGreaterThanOrEqual(0);
      expect(taken).toBeGreaterThanOrEqual(acknowledged.length);

      // Phones book as fast as they can; the hub is killed at a random moment among them.
      const killAt = 100 + Math.floor(Math.random() * 400);
      const killed = new Promise<void>((resolve) => setTimeout(() => void killHard(hub).then(resolve), killAt));
      const clients = Array.from({ length: 20 }, async () => {
        for (let i = 0; i < 50; i++) {
          const phone = `09${String(10_000_000 + phoneSeq++).slice(-8)}`;
          try {
            const hold = await post('/holds', { commandId: newCommandId(), serviceId: 'ho-tich', slotStart: slots[i % 3], phone, name: 'Trần Thị Bình', email: null, cccd: null });
            if (hold.status !== 201) continue;
            const { holdId } = (await hold.json()) as { holdId: string };
            const commandId = newCommandId();
            const confirmed = await post('/confirm', { commandId, holdId });
            const raw = await confirmed.text();
            if (confirmed.status === 201) acknowledged.push({ code: (JSON.parse(raw) as { code: string }).code, phone, commandId, holdId, raw });
          } catch {
            return; // the hub is gone
          }
        }
      });
      await Promise.all([killed, ...clients]);
      perRound.push(acknowledged.length);
    }
    // Bookings were acknowledged in more than one round (the kills fell among them).
    expect(new Set(perRound).size).toBeGreaterThan(1);

    const hub = await spawnHub(dataDir, config);
    try {
      const days = (await (await fetch(`${hub.url}/api/booking/days?serviceId=ho-tich`)).json()) as { days: BookingDayView[] };
      const target = days.days.find((d) => d.day === day)!;
      expect(target.slots.every((s) => s.places === 150)).toBe(true);
      // Per slot, the bookings confirmed (each acknowledged one, by its answer) stay within its places.
      const perSlot = new Map<number, number>();
      for (const a of acknowledged) {
        const start = (JSON.parse(a.raw) as { slotStart: number }).slotStart;
        perSlot.set(start, (perSlot.get(start) ?? 0) + 1);
      }
      for (const [start, n] of perSlot) expect(n, `slot ${start}`).toBeLessThanOrEqual(150);
      // 450 places in all: never more confirmed than that, and every acknowledged one among them.
      expect(acknowledged.length).toBeLessThanOrEqual(450);
      expect(acknowledged.length).toBeGreaterThan(0);
      for (const a of acknowledged) {
        const found = await fetch(`${hub.url}/api/booking/lookup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code: a.code, phone: a.phone }) });
        expect(((await found.json()) as { status: string }).status).toBe('confirmed');
      }
    } finally {
      await killHard(hub);
    }
  }, 180_000);
});
