import { describe, expect, it } from 'vitest';
import type { Ack, TicketIssued } from '../../server/protocol/views';
import { newCommandId, send, startTestHub } from '../helpers/hub-fixture';
import { canMountSmallDisk, fillDisk, smallDisk } from '../helpers/small-disk';
import { report } from './sizes';

const describeWithMount = canMountSmallDisk('the disk-full test') ? describe : describe.skip;

describeWithMount('faults: the disk is full', () => {
  it('refuses new actions with a clear error instead of acknowledging what it could not store, and recovers when space is back', async () => {
    const small = smallDisk()!;
    let stored: string[] = [];
    try {
      const hub = await startTestHub({ dataDir: small.dir });
      try {
        const kiosk = await hub.connect({ app: 'kiosk' });
        const take = () => send<TicketIssued>(kiosk, 'ticket:take', { commandId: newCommandId(), serviceId: 'ho-tich' });
        const first = await take();
        expect(first.ok).toBe(true);
        // Fill the disk, leaving less than one journal line.
        const freeSpace = fillDisk(small.dir);
        // The journal's last page may still hold a few lines: take until the disk says no.
        const answers: Ack<TicketIssued>[] = [];
        for (let i = 0; i < 60; i++) answers.push(await take());
        // Like any command, wait for the rebuild that follows a refused write.
        await hub.hub.service.checkDay();
        const refused = answers.filter((a) => !a.ok);
        expect(refused.length, 'the full disk refused takes').toBeGreaterThan(0);
        expect(new Set(refused.map((a) => (a.ok ? '' : a.error)))).toEqual(new Set(['STORAGE_FAILED']));
        expect((refused[0] as { message: string }).message).toContain('không lưu được');
        const acknowledged = answers.flatMap((a) => (a.ok ? [a.data.number] : []));
        // Exactly what was acknowledged is issued, with no gap: a refused take used no number.
        expect(hub.hub.service.todayTickets().map((t) => t.number)).toEqual(['A001', ...acknowledged]);
        expect(acknowledged).toEqual(acknowledged.map((_, i) => `A${String(i + 2).padStart(3, '0')}`));
        // Space is back: the next take works, and no number was skipped or reused.
        freeSpace();
        const after = await take();
        const expected = `A${String(acknowledged.length + 2).padStart(3, '0')}`;
        expect(after).toMatchObject({ ok: true, data: { number: expected } });
        stored = ['A001', ...acknowledged, expected];
        report('disk-full', { acknowledgedBeforeFull: acknowledged.length + 1, refused: refused.length, acknowledgedAfterRecovery: 1 });
      } finally {
        await hub.stop();
      }
      // A restart keeps exactly what was acknowledged.
      const again = await startTestHub({ dataDir: small.dir });
      try {
        expect(again.hub.service.todayTickets().map((t) => t.number)).toEqual(stored);
      } finally {
        await again.stop();
      }
    } finally {
      small.release();
    }
  }, 60_000);
});
