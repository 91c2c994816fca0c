import type { QueueService, ChangeNotice } from '../app/queue-service';
import type { DeviceService } from '../app/device-service';
import type { DossierService } from '../app/dossier-service';
import type { PublicView, StaffView, Versioned } from '../protocol/views';
import type { HubServer } from './socket-edge';

export type Versioner = <T>(view: T) => Versioned<T>;

export function createVersioner(bootId: string, service: QueueService, clock: () => number): Versioner {
  return (view) => ({ bootId, seq: service.version, serverTime: clock(), view });
}

/**
 * Sends the screens what changed, after it is stored. Calls go out at once, one event each, for the
 * display to announce. Views are full views, not deltas: a screen that missed anything is whole again
 * with the next one. So they are coalesced: a change after a quiet spell is published at once (next
 * turn of the event loop), and changes that follow within VIEW_WINDOW_MS of the last publication are
 * published together at the end of that window. Under a rush of kiosks this is at most 20 views a
 * second instead of one per stored batch: the views were half of the hub's time in the take benchmark.
 */
export const VIEW_WINDOW_MS = 50;
/**
 * After a call, the views wait this long: the call reaches every display first, and a display (often
 * a weak TV box) starts the announcement before it decodes and draws the 1.4 kB view. The display
 * shows the call from the call event itself, so the view coming 25 ms later changes nothing it shows.
 */
export const VIEW_AFTER_CALL_MS = 25;

export function startPublisher(
  io: HubServer,
  service: QueueService,
  devices: DeviceService,
  dossiers: DossierService,
  publicView: () => PublicView,
  staffView: () => StaffView,
  bootId: string,
  versioned: Versioner,
): () => void {
  let scheduled = false;
  let due = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let immediate: ReturnType<typeof setImmediate> | null = null;
  let lastFlush = -Infinity;
  let pendingSince = 0;
  let counters = new Set<string>();
  let allCounters = false;

  const flush = () => {
    scheduled = false;
    timer = null;
    immediate = null;
    lastFlush = performance.now();
    io.to('public').emit('queue:public', versioned(publicView()));
    // The staff view costs a walk of the queues: only built when someone on staff is connected.
    if ((io.sockets.adapter.rooms.get('staff')?.size ?? 0) > 0) io.to('staff').emit('queue:staff', versioned(staffView()));
    const rooms = io.sockets.adapter.rooms;
    const ids = allCounters
      ? [...rooms.keys()].filter((r) => r.startsWith('counter:')).map((r) => r.slice('counter:'.length))
      : [...counters];
    for (const id of ids) {
      if (!rooms.has(`counter:${id}`)) continue;
      const view = service.counterView(id);
      if (view) io.to(`counter:${id}`).emit('queue:counter', versioned(view));
    }
    counters = new Set();
    allCounters = false;
  };

  const schedule = (after = 0) => {
    const now = performance.now();
    const at = Math.max(lastFlush + VIEW_WINDOW_MS, now + after);
    // A view already waiting is put off for a call, but never past its first change + 75 ms.
    if (scheduled && (at <= due || at > pendingSince + VIEW_WINDOW_MS + VIEW_AFTER_CALL_MS)) return;
    if (!scheduled) pendingSince = now;
    if (timer) clearTimeout(timer);
    if (immediate) clearImmediate(immediate);
    timer = immediate = null;
    scheduled = true;
    due = at;
    if (at <= now) immediate = setImmediate(flush);
    else timer = setTimeout(flush, at - now);
  };
  const stopQueue = service.onChange((change: ChangeNotice) => {
    for (const call of change.calls) io.to('public').emit('ticket:called', { bootId, seq: change.seq, call });
    if (change.counters === 'all') allCounters = true;
    else change.counters.forEach((id) => counters.add(id));
    schedule(change.calls.length > 0 ? VIEW_AFTER_CALL_MS : 0);
  });
  const stopDevices = devices.on({
    printState(state, kioskId) {
      if (kioskId) io.to(`kiosk:${kioskId}`).emit('ticket:print-state', state);
    },
    devicesChanged() {
      schedule();
      for (const room of io.sockets.adapter.rooms.keys()) {
        if (!room.startsWith('kiosk:')) continue;
        io.to(room).emit('kiosk:printer', { condition: devices.kioskPrinterCondition(room.slice('kiosk:'.length)) });
      }
    },
  });
  const stopDossiers = dossiers.onChange(() => schedule());
  // Waits grow and counters sit idle without any change: the supervisor's overview is refreshed too.
  const refresh = setInterval(() => {
    if ((io.sockets.adapter.rooms.get('staff')?.size ?? 0) > 0) io.to('staff').emit('queue:staff', versioned(staffView()));
  }, 30_000);
  refresh.unref();
  return () => {
    clearInterval(refresh);
    if (timer) clearTimeout(timer);
    if (immediate) clearImmediate(immediate);
    // Stopping: the views that were waiting go out now, not never.
    if (scheduled) flush();
    stopQueue();
    stopDevices();
    stopDossiers();
  };
}
