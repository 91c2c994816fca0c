import type { QueueService, ChangeNotice } from '../app/queue-service';
import type { Versioned } from '../protocol/views';
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
export function startPublisher(io: HubServer, service: QueueService, bootId: string, versioned: Versioner): () => void {
  let scheduled = false;
  let counters = new Set<string>();
  let allCounters = false;

  const flush = () => {
    scheduled = false;
    io.to('public').emit('queue:public', versioned(service.publicView()));
    io.to('staff').emit('queue:staff', versioned(service.staffView()));
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

  return service.onChange((change: ChangeNotice) => {
    for (const call of change.calls) io.to('public').emit('ticket:called', { bootId, seq: change.seq, call });
    if (change.counters === 'all') allCounters = true;
    else change.counters.forEach((id) => counters.add(id));
    if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  });
}
