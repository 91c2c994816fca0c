import { signal } from '@preact/signals';
import type { DeviceCondition } from '../hardware/device-contract';
import type { PrintState } from '../server/protocol/views';
import type { AppState } from '../server/ui/app-state';

/**
 * What this kiosk knows about its printer, kept as signals for the screens: the printer's condition
 * (null: this kiosk has none; undefined: the hub has not said, e.g. a page opened without
 * `?kiosk=`), and the print state of the tickets taken here, by ticket id (the hub may send it
 * before or after the take's ack).
 */
export const printerCondition = signal<DeviceCondition | null | undefined>(undefined);
export const printStates = signal<ReadonlyMap<string, PrintState>>(new Map());

/** A kiosk keeps only its last few tickets' print states: one visitor at a time. */
const KEPT_PRINT_STATES = 20;

/** Conditions in which a ticket will not come out. ('paper-near-end' still prints; 'starting' is not known yet.) */
const DOWN: readonly DeviceCondition[] = ['paper-out', 'cover-open', 'printer-error', 'offline', 'disconnected', 'port-missing'];

export function printerDown(condition: DeviceCondition | null | undefined): boolean {
  return !!condition && DOWN.includes(condition);
}

export function watchPrinting(state: AppState): void {
  printerCondition.value = state.client.kioskPrinter;
  state.client.onKioskPrinter((condition) => (printerCondition.value = condition));
  state.client.onPrintState((print) => {
    const next = new Map(printStates.peek());
    next.delete(print.ticketId);
    next.set(print.ticketId, print);
    while (next.size > KEPT_PRINT_STATES) next.delete(next.keys().next().value!);
    printStates.value = next;
  });
}
