import { dossierLookupSchema } from '../../protocol/commands';
import type { DeadlineRow } from '../../protocol/views';
import { errorAck, type Edge } from '../socket-edge';
import type { HandlerContext } from '../socket-handlers';

/** A visitor's dossier lookup (kiosk, phone), and the supervisor's deadline list. */
export function registerDossierHandlers(edge: Edge, deps: HandlerContext): void {
  const { socket } = edge;
  const { lookupThrottle } = deps;

  edge.on('dossier:lookup', async (payload, lang) => {
    const parsed = dossierLookupSchema.safeParse(payload);
    if (!parsed.success) return errorAck('INVALID_PAYLOAD', lang);
    // Per address and dossier code: guessing one dossier's key is slowed down, while the next
    // visitor at the same kiosk (another code) is not held up by the one before.
    const key = [`lookup:${socket.data.address}:${parsed.data.code.trim().toUpperCase()}`];
    const wait = lookupThrottle.retryAfterSeconds(key);
    if (wait > 0) return errorAck('RATE_LIMITED', lang, wait);
    const view = deps.dossiers.lookup(parsed.data.code, parsed.data.key);
    if (!view) {
      lookupThrottle.failed(key);
      return errorAck('DOSSIER_NOT_FOUND', lang);
    }
    lookupThrottle.succeeded(key[0]!);
    return { ok: true, data: view };
  });

  edge.on('dossier:deadlines', async (_payload, lang) => {
    const officer = edge.supervisor();
    if (!officer.ok) return errorAck(officer.error, lang);
    const rows: DeadlineRow[] = deps.dossiers.deadlines(deps.clock());
    return { ok: true, data: rows };
  });
}
