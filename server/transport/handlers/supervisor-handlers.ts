import {
  apiKeySchema,
  auditListSchema,
  closeDaySchema,
  configReplaceSchema,
  reportRequestSchema,
  setPasswordSchema,
} from '../../protocol/commands';
import { errorAck, type Edge } from '../socket-edge';
import type { HandlerDeps } from '../socket-handlers';

/** The supervisor's commands: configuration, passwords, the audit trail, closing the day, reports, API keys. */
export function registerSupervisorHandlers(edge: Edge, deps: HandlerDeps): void {
  const { service, log, answers } = deps;

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

  edge.command('apikey:issue', apiKeySchema, async ({ payload, fp, lang }) => {
    const officer = edge.supervisor();
    if (!officer.ok) return errorAck(officer.error, lang);
    return answers.once(`officer:${officer.data.id}:${payload.commandId}`, fp, lang, async () => {
      const key = await deps.apiKeys.issue(payload.integrationId, officer.data.id, deps.clock());
      log.info('API key issued', { integration: payload.integrationId, by: officer.data.id });
      await deps.config.recordAction(officer.data.id, 'apikey.issued', [{ path: `apiKeys[${payload.integrationId}]`, before: null, after: '(issued)' }]);
      return { ok: true, data: { integrationId: payload.integrationId, key } };
    });
  });

  edge.command('apikey:revoke', apiKeySchema, async ({ payload, fp, lang }) => {
    const officer = edge.supervisor();
    if (!officer.ok) return errorAck(officer.error, lang);
    return answers.once(`officer:${officer.data.id}:${payload.commandId}`, fp, lang, async () => {
      const revoked = await deps.apiKeys.revoke(payload.integrationId);
      log.info('API key revoked', { integration: payload.integrationId, by: officer.data.id, revoked });
      if (revoked) await deps.config.recordAction(officer.data.id, 'apikey.revoked', [{ path: `apiKeys[${payload.integrationId}]`, before: '(issued)', after: null }]);
      return { ok: true, data: { integrationId: payload.integrationId, revoked } };
    });
  });

  edge.command('day:close', closeDaySchema, async ({ payload, fp, lang }) => {
    const officer = edge.supervisor();
    if (!officer.ok) return errorAck(officer.error, lang);
    if (edge.usedElsewhere(`officer:${officer.data.id}:${payload.commandId}`, service)) return errorAck('IDEMPOTENCY_CONFLICT', lang);
    const result = await service.closeDay(payload.mode, officer.data.id, payload.commandId, fp);
    if (result.ok) {
      log.info('day closed', { by: officer.data.id, mode: payload.mode });
      await deps.config.recordAction(officer.data.id, 'day.closed', [{ path: 'day', before: 'open', after: payload.mode }]);
    }
    return result.ok ? result : errorAck(result.error, lang);
  });

  edge.command('config:replace', configReplaceSchema, async ({ payload, fp, lang }) => {
    const officer = edge.supervisor();
    if (!officer.ok) return errorAck(officer.error, lang);
    return answers.once(`officer:${officer.data.id}:${payload.commandId}`, fp, lang, async () => {
      const result = await deps.config.replace(payload.config, officer.data.id, payload.baseVersion, (next) => service.configProblem(next));
      return result.ok ? { ok: true, data: { version: result.version } } : errorAck(result.error, lang, undefined, result.problems);
    });
  });

  edge.command('officer:set-password', setPasswordSchema, async ({ payload, fp, lang }) => {
    const officer = edge.supervisor();
    if (!officer.ok) return errorAck(officer.error, lang);
    return answers.once(`officer:${officer.data.id}:${payload.commandId}`, fp, lang, async () => {
      const result = await deps.config.setPassword(payload.officerId, payload.password, officer.data.id);
      return result.ok ? { ok: true, data: { version: result.version } } : errorAck(result.error, lang);
    });
  });
}
