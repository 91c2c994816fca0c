import { bridgeTokenSchema, pairingSchema, printChecklistSchema, reprintSchema, testPrintSchema } from '../../protocol/commands';
import type { CredentialView } from '../../protocol/views';
import { errorAck, type Edge } from '../socket-edge';
import type { HandlerContext } from '../socket-handlers';

/** Printers and bridges: reprinting a ticket, a test page, the bridges' tokens. */
export function registerDeviceHandlers(edge: Edge, deps: HandlerContext): void {
  const { devices, log, admin, credentials } = deps;
  /** A command's key, or null when its commandId was used for another kind of command. */
  const keyOf = (officerId: string, commandId: string) => {
    const key = `officer:${officerId}:${commandId}`;
    return edge.usedElsewhere(key, admin) ? null : key;
  };

  edge.command('ticket:reprint', reprintSchema, async ({ payload, fp, lang }) => {
    const officer = edge.loggedIn();
    if (!officer.ok) return errorAck(officer.error, lang);
    const key = keyOf(officer.data.id, payload.commandId);
    if (!key) return errorAck('IDEMPOTENCY_CONFLICT', lang);
    const result = await admin.once(key, fp, async () => {
      const printed = await devices.reprint(payload.ticket, payload.printerId);
      log.info('reprint', { ticket: payload.ticket, by: officer.data.id, ok: printed.ok });
      return printed;
    });
    return result.ok ? result : errorAck(result.error, lang);
  });

  // A procedure's papers printed at the kiosk: from a kiosk the centre trusts, within its take
  // limits (paper is not free); a repeat of the same command within 10 minutes, on this socket or
  // another, gets the first one's outcome and prints nothing (DeviceService keeps them).
  edge.command('kiosk:print-checklist', printChecklistSchema, async ({ payload, lang }) => {
    const { address, pairedKiosk, kioskId } = edge.socket.data;
    if (!pairedKiosk && !deps.takeLimiter.onKioskNetwork(address)) return errorAck('UNTRUSTED_KIOSK', lang);
    const who = pairedKiosk ?? kioskId ?? address;
    const key = `${who}:${payload.commandId}`;
    let outcome = devices.checklistPrinted(key);
    if (!outcome) {
      const procedure = deps.procedures.find(payload.procedureCode);
      if (!procedure) return errorAck('UNKNOWN_PROCEDURE', lang);
      const allowed = deps.takeLimiter.take([{ key: `checklist:${who}`, limit: deps.takeLimiter.limits.perKiosk }]);
      if (!allowed.ok) return errorAck('RATE_LIMITED', lang, allowed.retryAfterSeconds);
      outcome = devices.printChecklist(key, pairedKiosk ?? kioskId, procedure);
    }
    const result = await outcome;
    return result.ok ? result : errorAck(result.error, lang);
  });

  edge.command('device:test-print', testPrintSchema, async ({ payload, fp, lang }) => {
    const officer = edge.supervisor();
    if (!officer.ok) return errorAck(officer.error, lang);
    const key = keyOf(officer.data.id, payload.commandId);
    if (!key) return errorAck('IDEMPOTENCY_CONFLICT', lang);
    const result = await admin.once(key, fp, () => devices.testPrint(payload.deviceId));
    return result.ok ? result : errorAck(result.error, lang);
  });

  edge.command('bridge:issue-token', bridgeTokenSchema, async ({ payload, fp, lang }) => {
    const officer = edge.supervisor();
    if (!officer.ok) return errorAck(officer.error, lang);
    const { bridgeId } = payload;
    const key = keyOf(officer.data.id, payload.commandId);
    if (!key) return errorAck('IDEMPOTENCY_CONFLICT', lang);
    // A repeat is answered as the first time, even if the bridge was removed since.
    if (!admin.answered(key) && (bridgeId === 'hub' || !devices.isKnownBridge(bridgeId))) return errorAck('UNKNOWN_BRIDGE', lang);
    const result = await credentials.issue({
      kind: 'bridge',
      ownerId: bridgeId,
      by: officer.data.id,
      audit: { action: 'bridge.token-issued', path: `bridges[${bridgeId}].token` },
      command: { key, fp },
      answer: (token) => ({ bridgeId, token }),
      secretField: 'token',
    });
    if (!result.ok) return errorAck(result.error, lang);
    devices.disconnectBridge(bridgeId); // an old token stops working at once
    log.info('bridge token issued', { bridge: bridgeId, by: officer.data.id });
    return result;
  });

  edge.command('bridge:revoke-token', bridgeTokenSchema, async ({ payload, fp, lang }) => {
    const officer = edge.supervisor();
    if (!officer.ok) return errorAck(officer.error, lang);
    const key = keyOf(officer.data.id, payload.commandId);
    if (!key) return errorAck('IDEMPOTENCY_CONFLICT', lang);
    const { bridgeId } = payload;
    const result = await credentials.revoke({
      kind: 'bridge',
      ownerId: bridgeId,
      by: officer.data.id,
      audit: { action: 'bridge.token-revoked', path: `bridges[${bridgeId}].token` },
      command: { key, fp },
      answer: (revoked) => ({ bridgeId, revoked }),
    });
    if (!result.ok) return errorAck(result.error, lang);
    devices.disconnectBridge(bridgeId);
    log.info('bridge token revoked', { bridge: bridgeId, by: officer.data.id, revoked: result.data.revoked });
    return result;
  });

  edge.command('pairing:issue', pairingSchema, async ({ payload, fp, lang }) => {
    const officer = edge.supervisor();
    if (!officer.ok) return errorAck(officer.error, lang);
    const { kind, targetId } = payload;
    const key = keyOf(officer.data.id, payload.commandId);
    if (!key) return errorAck('IDEMPOTENCY_CONFLICT', lang);
    if (!admin.answered(key) && kind === 'rating' && !deps.config.current.counters.some((c) => c.id === targetId)) return errorAck('UNKNOWN_COUNTER', lang);
    // The address the supervisor reached the hub at, unless the centre names one: the screen to
    // pair is on the same network as the supervisor's.
    const host = edge.socket.handshake.headers.host;
    const configured = deps.config.current.centre.publicUrl?.replace(/\/$/, '');
    const base = configured ?? (host && /^[A-Za-z0-9.\-:[\]]+$/.test(host) ? `http://${host}` : devices.publicUrl());
    const result = await credentials.issue({
      kind,
      ownerId: targetId,
      by: officer.data.id,
      audit: { action: `pairing.${kind}-issued`, path: `pairings.${kind}[${targetId}]` },
      command: { key, fp },
      answer: (secret) => ({
        kind,
        targetId,
        secret,
        url:
          kind === 'kiosk'
            ? `${base}/kiosk/?kiosk=${encodeURIComponent(targetId)}&pair=${encodeURIComponent(secret)}`
            : `${base}/counter/rate/?counter=${encodeURIComponent(targetId)}&pair=${encodeURIComponent(secret)}`,
      }),
      secretField: 'secret',
    });
    if (!result.ok) return errorAck(result.error, lang);
    // The secret it replaces stops working at once.
    deps.unpair(kind, targetId);
    log.info('screen paired', { kind, target: targetId, by: officer.data.id });
    return result;
  });

  edge.command('pairing:revoke', pairingSchema, async ({ payload, fp, lang }) => {
    const officer = edge.supervisor();
    if (!officer.ok) return errorAck(officer.error, lang);
    const key = keyOf(officer.data.id, payload.commandId);
    if (!key) return errorAck('IDEMPOTENCY_CONFLICT', lang);
    const { kind, targetId } = payload;
    const result = await credentials.revoke({
      kind,
      ownerId: targetId,
      by: officer.data.id,
      audit: { action: `pairing.${kind}-revoked`, path: `pairings.${kind}[${targetId}]` },
      command: { key, fp },
      answer: (revoked) => ({ kind, targetId, revoked }),
    });
    if (!result.ok) return errorAck(result.error, lang);
    if (result.data.revoked) deps.unpair(kind, targetId);
    return result;
  });

  edge.on('credential:list', async (_payload, lang) => {
    const officer = edge.supervisor();
    if (!officer.ok) return errorAck(officer.error, lang);
    const views: CredentialView[] = (['apikey', 'bridge', 'kiosk', 'rating'] as const).flatMap((kind) =>
      credentials.issued(kind).map((c) => ({
        kind,
        ownerId: c.ownerId,
        issuedAt: c.issuedAt,
        issuedBy: c.issuedBy,
        scopes: (c.scopes as ('dossiers' | 'tickets')[] | undefined) ?? (kind === 'apikey' ? ['dossiers'] : null),
      })),
    );
    return { ok: true, data: views };
  });
}
