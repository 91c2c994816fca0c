import type { Namespace, Socket } from 'socket.io';
import type { z } from 'zod';
import type { Logger } from '../logger';
import { linkAck, linkHello, linkPull, linkPush, linkState, type FollowEntry, type LinkAnswer, type LinkClientEvents, type LinkServerEvents } from '../protocol/link-protocol';
import type { CentreInbox } from './centre-inbox';
import type { SigningKeys } from './signing-keys';
import type { ProvinceSettingsStore } from './province-settings';
import type { CentreRegistry } from './centre-registry';
import type { Db } from './db/database';
import { audit } from './centre-registry';

export type LinkNamespace = Namespace<LinkClientEvents, LinkServerEvents, Record<string, never>, { centreId: string; token: string; tickets?: Map<string, FollowEntry> }>;
type LinkSocket = Socket<LinkClientEvents, LinkServerEvents, Record<string, never>, { centreId: string; token: string; tickets?: Map<string, FollowEntry> }>;

export const centreRoom = (centreId: string) => `centre:${centreId}`;

/**
 * The province's end of the link: a hub is let in with a valid centre token and joins its centre's
 * room; every command checks the token again (a revoked token stops the link at its next message).
 */
export function attachLinkHandlers(link: LinkNamespace, deps: { db: Db; registry: CentreRegistry; inbox: CentreInbox; signingKeys: SigningKeys; settings: ProvinceSettingsStore; log: Logger; clock: () => number; onState?: (centreId: string, state: import('../protocol/link-protocol').CentreLiveState) => void }): void {
  link.use((socket, next) => {
    const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
    if (typeof token !== 'string') return next(new Error('NOT_LOGGED_IN'));
    deps.registry.centreOfToken(token).then(
      (centreId) => {
        if (!centreId) return next(new Error('FORBIDDEN'));
        socket.data.centreId = centreId;
        socket.data.token = token;
        next();
      },
      () => next(new Error('INTERNAL')),
    );
  });

  link.on('connection', (socket: LinkSocket) => {
    const centreId = socket.data.centreId;
    void socket.join(centreRoom(centreId));
    deps.log.info('link: a hub connected', { centreId });

    /** Validates, checks the token again, runs; every failure is a typed answer. */
    const handle = <S extends z.ZodType, T>(schema: S, run: (payload: z.output<S>) => Promise<T>, ackOptional = false) =>
      (payload: unknown, ack: unknown) => {
        if (typeof ack !== 'function' && !ackOptional) return;
        const reply = typeof ack === 'function' ? (ack as (answer: LinkAnswer<T>) => void) : () => undefined;
        const parsed = schema.safeParse(payload);
        if (!parsed.success) return reply({ ok: false, error: 'INVALID_PAYLOAD', message: parsed.error.issues[0]?.message ?? 'invalid' });
        deps.registry.centreOfToken(socket.data.token).then(
          async (still) => {
            if (still !== centreId) {
              reply({ ok: false, error: 'FORBIDDEN' });
              socket.disconnect(true);
              return;
            }
            reply({ ok: true, data: await run(parsed.data) });
          },
        ).catch((error: unknown) => {
          deps.log.error('link: a command failed', { centreId, error: String(error) });
          reply({ ok: false, error: 'INTERNAL' });
        });
      };

    socket.on(
      'link:hello',
      handle(linkHello, async ({ profile }) => {
        await deps.registry.setProfile(centreId, profile);
        // The province's settings, if this centre has not been sent the current ones.
        await deps.settings.sendIfBehind(centreId, deps.clock());
        const { rows } = await deps.db.query<{ out_seq: number; in_seq: number }>('SELECT out_seq, in_seq FROM link_sequences WHERE centre_id = $1', [centreId]);
        await audit(deps.db, { at: deps.clock(), actor: `centre:${centreId}`, action: 'link.hello', centreId, details: { services: profile.services.length } });
        return { centreId, outSeq: rows[0]?.out_seq ?? 0, inSeq: rows[0]?.in_seq ?? 0, signingKeys: await deps.signingKeys.publicKeys() };
      }),
    );
    socket.on(
      'link:pull',
      handle(linkPull, async ({ after, limit }) => {
        const [messages, last] = await Promise.all([
          deps.db.query('SELECT seq, kind, body, at FROM centre_outbox WHERE centre_id = $1 AND seq > $2 ORDER BY seq LIMIT $3', [centreId, after, limit]),
          deps.db.query<{ out_seq: number }>('SELECT out_seq FROM link_sequences WHERE centre_id = $1', [centreId]),
        ]);
        return { messages: messages.rows, last: last.rows[0]?.out_seq ?? 0 };
      }),
    );
    socket.on(
      'link:ack',
      handle(linkAck, async ({ applied }) => {
        await deps.db.query('UPDATE link_sequences SET out_acked = GREATEST(out_acked, LEAST($2, out_seq)) WHERE centre_id = $1', [centreId, applied]);
        return null;
      }),
    );
    socket.on(
      'link:push',
      handle(linkPush, ({ messages }) => deps.inbox.push(centreId, messages, deps.clock())),
    );
    socket.on(
      'link:state',
      handle(
        linkState,
        async ({ state, ticketsDelta }) => {
          // The tickets whole again from this connection's last ones and what changed since.
          const known = socket.data.tickets ?? new Map<string, FollowEntry>();
          if (ticketsDelta) {
            for (const key of ticketsDelta.gone) known.delete(key);
            for (const entry of ticketsDelta.changed) known.set(entry.key, entry);
            state.tickets = [...known.values()];
          } else {
            known.clear();
            for (const entry of state.tickets) known.set(entry.key, entry);
          }
          socket.data.tickets = known;
          deps.onState?.(centreId, state);
          await deps.inbox.storeState(centreId, state, deps.clock());
          return null;
        },
        true,
      ),
    );
    socket.on('disconnect', (reason) => deps.log.info('link: a hub went away', { centreId, reason }));
  });
}

/** Tells a centre's hub (on whichever process holds its socket) that a message is waiting. */
export function nudgeCentre(link: LinkNamespace, centreId: string, seq: number): void {
  link.to(centreRoom(centreId)).emit('link:nudge', { seq });
}
