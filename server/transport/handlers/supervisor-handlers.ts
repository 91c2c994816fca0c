import {
  apiKeyIssueSchema,
  apiKeySchema,
  auditListSchema,
  closeDaySchema,
  configReplaceSchema,
  reportRequestSchema,
  setPasswordSchema,
} from '../../protocol/commands';
import { errorAck, type Edge } from '../socket-edge';
import type { HandlerContext } from '../socket-handlers';

/** The supervisor's commands: configuration, passwords, the audit trail, closing the day, reports, API keys. */
export function registerSupervisorHandlers(edge: Edge, deps: HandlerContext): void {
  const { service, log, admin, credentials } = deps;
  /** A supervisor's command: its key, refused if the commandId was used for another kind of command. */
  const identity = (officerId: string, commandId: string, fp: string) => {
    const key = `officer:${officerId}:${commandId}`;
    return edge.usedElsewhere(key, admin) ? null : { key, fp };
  };

  edge.on('report:get', async (payload, lang) => {
    const parsed = reportRequestSchema.safeParse(payload);
    if (!parsed.success) return errorAck('INVALID_PAYLOAD', lang);
    const officer = edge.supervisor();
    if (!officer.ok) return errorAck(officer.error, lang);
    return { ok: true, data: await deps.reports.report(parsed.data) };
  });

  edge.on('config:get', async (_payload, lang) => {
    const officer = edge.supervisor();
    if (!officer.ok) return errorAck(officer.error, lang);
    return { ok: true, data: deps.config.forEditing() };
  });

  edge.on('audit:list', async (payload, lang) => {
    const parsed = auditListSchema.safeParse(payload ?? {});
    if (!parsed.success) return errorAck('INVALID_PAYLOAD', lang);
    const officer = edge.supervisor();
    if (!officer.ok) return errorAck(officer.error, lang);
    return { ok: true, data: deps.config.audit(parsed.data.limit) };
  });

  edge.command('apikey:issue', apiKeyIssueSchema, async ({ payload, fp, lang }) => {
    const officer = edge.supervisor();
    if (!officer.ok) return errorAck(officer.error, lang);
    const command = identity(officer.data.id, payload.commandId, fp);
    if (!command) return errorAck('IDEMPOTENCY_CONFLICT', lang);
    const { integrationId, scopes } = payload;
    const result = await credentials.issue({
      kind: 'apikey',
      ownerId: integrationId,
      by: officer.data.id,
      scopes,
      audit: { action: 'apikey.issued', path: `apiKeys[${integrationId}]` },
      command,
      answer: (key) => ({ integrationId, key, scopes }),
      secretField: 'key',
    });
    if (!result.ok) return errorAck(result.error, lang);
    log.info('API key issued', { integration: integrationId, scopes, by: officer.data.id });
    return result;
  });

  edge.command('apikey:revoke', apiKeySchema, async ({ payload, fp, lang }) => {
    const officer = edge.supervisor();
    if (!officer.ok) return errorAck(officer.error, lang);
    const command = identity(officer.data.id, payload.commandId, fp);
    if (!command) return errorAck('IDEMPOTENCY_CONFLICT', lang);
    const { integrationId } = payload;
    const result = await credentials.revoke({
      kind: 'apikey',
      ownerId: integrationId,
      by: officer.data.id,
      audit: { action: 'apikey.revoked', path: `apiKeys[${integrationId}]` },
      command,
      answer: (revoked) => ({ integrationId, revoked }),
    });
    if (!result.ok) return errorAck(result.error, lang);
    log.info('API key revoked', { integration: integrationId, by: officer.data.id, revoked: result.data.revoked });
    return result;
  });

  edge.command('day:close', closeDaySchema, async ({ payload, fp, lang }) => {
    const officer = edge.supervisor();
    if (!officer.ok) return errorAck(officer.error, lang);
    if (edge.usedElsewhere(`officer:${officer.data.id}:${payload.commandId}`, service)) return errorAck('IDEMPOTENCY_CONFLICT', lang);
    const result = await service.closeDay(payload.mode, officer.data.id, payload.commandId, fp);
    if (result.ok) {
      log.info('day closed', { by: officer.data.id, mode: payload.mode });
      // Dated as the close itself: a start finds it and does not record it again (hub.ts).
      const closing = service.closing;
      if (closing) await deps.config.recordAction(officer.data.id, 'day.closed', [{ path: 'day', before: 'open', after: closing.mode }], closing.at);
    }
    return result.ok ? result : errorAck(result.error, lang);
  });

  edge.command('config:replace', configReplaceSchema, async ({ payload, fp, lang }) => {
    const officer = edge.supervisor();
    if (!officer.ok) return errorAck(officer.error, lang);
    const command = identity(officer.data.id, payload.commandId, fp);
    if (!command) return errorAck('IDEMPOTENCY_CONFLICT', lang);
    // The supervisor's own session stays if they change their own password here; every other ends.
    const result = await deps.config.replace(payload.config, officer.data.id, payload.baseVersion, (next) => service.configProblem(next), command, edge.socket.data.sessionId ?? undefined);
    return result.ok ? { ok: true, data: { version: result.version } } : errorAck(result.error, lang, undefined, result.problems);
  });

  edge.command('officer:set-password', setPasswordSchema, async ({ payload, fp, lang }) => {
    const officer = edge.supervisor();
    if (!officer.ok) return errorAck(officer.error, lang);
    const command = identity(officer.data.id, payload.commandId, fp);
    if (!command) return errorAck('IDEMPOTENCY_CONFLICT', lang);
    // The supervisor's own session stays when they change their own password; every other ends.
    const result = await deps.config.setPassword(payload.officerId, payload.password, officer.data.id, command, edge.socket.data.sessionId ?? undefined);
    return result.ok ? { ok: true, data: { version: result.version } } : errorAck(result.error, lang);
  });
}
