import { COUNTER_COMMANDS, counterCommandSchemas, type CounterCommandName, type ParsedCounterCommand } from '../../protocol/commands';
import { errorAck, type Edge } from '../socket-edge';
import type { HandlerContext } from '../socket-handlers';

/** The counter pad's moves: open, Next, Recall, Start, Skip, Postpone, Transfer, Done, Pause, Close. */
export function registerCounterHandlers(edge: Edge, deps: HandlerContext): void {
  const { service } = deps;
  for (const name of COUNTER_COMMANDS) {
    edge.command(name, counterCommandSchemas[name], async ({ payload, fp, lang }) => {
      const command = payload as ParsedCounterCommand<CounterCommandName>;
      const officer = edge.officerAt(command.counterId);
      if (!officer.ok) return errorAck(officer.error, lang);
      if (edge.usedElsewhere(`officer:${officer.data.id}:${command.commandId}`, service)) return errorAck('IDEMPOTENCY_CONFLICT', lang);
      const result = await service.counterCommand(name, command, officer.data, fp);
      if (!result.ok) return errorAck(result.error, lang);
      edge.joinCounterRoom(command.counterId);
      return result;
    });
  }
}
