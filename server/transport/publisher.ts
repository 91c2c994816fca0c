import type { QueueService, ChangeNotice } from '../app/queue-service';
import type { DeviceService } from '../app/device-service';
import type { DossierService } from '../app/dossier-service';
import type { PublicView, StaffView, Versioned } from '../protocol/views';
import type { HubServer } from './socket-handlers';

export type Versioner = <T>(view: T) => Versioned<T>;

export function createVersioner(bootId: string, service: QueueService, clock: () => number): Versioner {
  return (view) => ({ bootId, seq: service.version, serverTime: clock(), view });
}

/**
 * Sends the screens what changed, after it is stored. Calls go out at once, one event each, for the
 * display to announce. Views are full views, not deltas: a screen that missed anything is whole again
 * with the next one. They are coalesced: many changes in one turn of the event loop send one view.
 */
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
  let counters = new Set<string>();
  let allCounters = false;

  const flush = () => {
    scheduled = false;
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

  const schedule = () => {
    if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  };
  const stopQueue = service.onChange((change: ChangeNotice) => {
    for (const call of change.calls) io.to('public').emit('ticket:called', { bootId, seq: change.seq, call });
    if (change.counters === 'all') allCounters = true;
    else change.counters.forEach((id) => counters.add(id));
    schedule();
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
  const stopDossiers = dossiers.onChange(schedule);
  // Waits grow and counters sit idle without any change: the supervisor's overview is refreshed too.
  const refresh = setInterval(() => {
    if ((io.sockets.adapter.rooms.get('staff')?.size ?? 0) > 0) io.to('staff').emit('queue:staff', versioned(staffView()));
  }, 30_000);
  refresh.unref();
  return () => {
    clearInterval(refresh);
    stopQueue();
    stopDevices();
    stopDossiers();
  };
}
