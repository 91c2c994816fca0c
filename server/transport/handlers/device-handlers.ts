import { bridgeTokenSchema, reprintSchema, testPrintSchema } from '../../protocol/commands';
import { errorAck, type Edge } from '../socket-edge';
import type { HandlerDeps } from '../socket-handlers';

/** Printers and bridges: reprinting a ticket, a test page, the bridges' tokens. */
export function registerDeviceHandlers(edge: Edge, deps: HandlerDeps): void {
  const { devices, log, answers } = deps;

  edge.command('ticket:reprint', reprintSchema, async ({ payload, fp, lang }) => {
    const officer = edge.loggedIn();
    if (!officer.ok) return errorAck(officer.error, lang);
    return answers.once(`officer:${officer.data.id}:${payload.commandId}`, fp, lang, async () => {
      const result = await devices.reprint(payload.ticket, payload.printerId);
      log.info('reprint', { ticket: payload.ticket, by: officer.data.id, ok: result.ok });
      return result.ok ? result : errorAck(result.error, lang);
    });
  });

  edge.command('device:test-print', testPrintSchema, async ({ payload, fp, lang }) => {
    const officer = edge.supervisor();
    if (!officer.ok) return errorAck(officer.error, lang);
    return answers.once(`officer:${officer.data.id}:${payload.commandId}`, fp, lang, async () => {
      const result = await devices.testPrint(payload.deviceId);
      return result.ok ? result : errorAck(result.error, lang);
    });
  });

  edge.command('bridge:issue-token', bridgeTokenSchema, async ({ payload, fp, lang }) => {
    const officer = edge.supervisor();
    if (!officer.ok) return errorAck(officer.error, lang);
    const { bridgeId } = payload;
    if (bridgeId === 'hub' || !devices.isKnownBridge(bridgeId)) return errorAck('UNKNOWN_BRIDGE', lang);
    return answers.once(`officer:${officer.data.id}:${payload.commandId}`, fp, lang, async () => {
      const token = await deps.bridgeTokens.issue(bridgeId, officer.data.id, deps.clock());
      devices.disconnectBridge(bridgeId); // an old token stops working at once
      log.info('bridge token issued', { bridge: bridgeId, by: officer.data.id });
      await deps.config.recordAction(officer.data.id, 'bridge.token-issued', [{ path: `bridges[${bridgeId}].token`, before: null, after: '(issued)' }]);
      return { ok: true, data: { bridgeId, token } };
    });
  });

  edge.command('bridge:revoke-token', bridgeTokenSchema, async ({ payload, fp, lang }) => {
    const officer = edge.supervisor();
    if (!officer.ok) return errorAck(officer.error, lang);
    return answers.once(`officer:${officer.data.id}:${payload.commandId}`, fp, lang, async () => {
      const revoked = await deps.bridgeTokens.revoke(payload.bridgeId);
      devices.disconnectBridge(payload.bridgeId);
      log.info('bridge token revoked', { bridge: payload.bridgeId, by: officer.data.id, revoked });
      if (revoked) await deps.config.recordAction(officer.data.id, 'bridge.token-revoked', [{ path: `bridges[${payload.bridgeId}].token`, before: '(issued)', after: null }]);
      return { ok: true, data: { bridgeId: payload.bridgeId, revoked } };
    });
  });
}
