import { afterEach, describe, expect, it } from 'vitest';
import {
  closeFollowers,
  drain,
  emitTicks,
  followAll,
  startCluster,
  untilLinked,
  type AdapterKind,
  type Cluster,
  type Follower,
} from '../helpers/adapter-cluster';
import { testRedisUrl, uniqueName } from '../helpers/database-servers';

/**
 * The property the province server relies on from @socket.io/redis-streams-adapter: when one
 * process loses Redis for a while, the broadcasts the others sent meanwhile still reach that
 * process's screens once Redis is back, each once, in order. The adapter's link is cut through a
 * TCP proxy (test/helpers/adapter-cluster.ts); the Socket.IO connections of the clients are not.
 *
 * LUOT_RESUME_ADAPTER=redis-pubsub (or postgres, with a database) runs the first test against
 * another adapter, to see it fail.
 */

const UNDER_TEST = (process.env.LUOT_RESUME_ADAPTER ?? 'redis-streams') as AdapterKind;
const TICKS = 400; // one every 10 ms: 4 s
const CUT_BEFORE = 81; // cut 0.8 s in ...
const RESTORE_BEFORE = 231; // ... for 1.5 s, then 1.7 s more with the link back

let cluster: Cluster | null = null;
let followers: Follower[] = [];
afterEach(async () => {
  closeFollowers(followers);
  followers = [];
  await cluster?.close();
  cluster = null;
});

async function broadcastAcrossACut(kind: AdapterKind) {
  cluster = await startCluster({ kind, servers: 3, redisUrl: await testRedisUrl(), prefix: uniqueName('adapter-resume') });
  const [a, b] = cluster.nodes as [Cluster['nodes'][0], Cluster['nodes'][0]];
  followers = await followAll(cluster, 30);
  await untilLinked(a.io, followers);
  let cutAt = NaN;
  let restoredAt = NaN;
  let reset = 0;
  const run = await emitTicks(a.io, TICKS, 10, {
    [CUT_BEFORE]: () => {
      cutAt = performance.now();
      reset = b.proxy.cut();
    },
    [RESTORE_BEFORE]: () => {
      restoredAt = performance.now();
      b.proxy.restore();
    },
  });
  await drain(followers, TICKS, 8_000, 1_500);
  const sentDuringCut = run.sent.flatMap((sentAt, i) => (sentAt >= cutAt && sentAt < restoredAt ? [i + 1] : []));
  return {
    onB: followers.filter((f) => f.node === 'B'),
    others: followers.filter((f) => f.node !== 'B'),
    sentDuringCut,
    cutAt,
    restoredAt,
    reset,
    refused: b.proxy.refused,
    reconnected: b.proxy.acceptedAt.filter((t) => t >= restoredAt).length,
  };
}

const all = Array.from({ length: TICKS }, (_, i) => i + 1);
const received = (f: Follower) => f.arrivals.map((a) => a.n);

describe('Socket.IO between province processes, across a lost Redis link', () => {
  it(`${UNDER_TEST}: what A broadcasts while B is cut off reaches B's clients afterwards, each once, in order`, async () => {
    const r = await broadcastAcrossACut(UNDER_TEST);
    // The cut happened: B's adapter connections were reset, its reconnections refused, and it
    // came back; A sent ~150 broadcasts while B could not hear them.
    expect(r.reset).toBeGreaterThanOrEqual(2);
    expect(r.refused).toBeGreaterThan(0);
    expect(r.reconnected).toBeGreaterThanOrEqual(2);
    expect(r.sentDuringCut.length).toBeGreaterThan(100);
    expect(r.onB).toHaveLength(10);
    for (const f of r.onB) {
      // Every tick, none twice, in order: the exact sequence.
      expect(received(f)).toEqual(all);
      // And those sent during the cut arrived only once B had Redis again: resumed, not lucky.
      const late = f.arrivals.filter((x) => x.sentAt >= r.cutAt && x.sentAt < r.restoredAt);
      expect(late.length).toBe(r.sentDuringCut.length);
      for (const x of late) expect(x.at).toBeGreaterThanOrEqual(r.restoredAt);
    }
    for (const f of r.others) expect(received(f)).toEqual(all);
  }, 20_000);

  it("redis-pubsub (why not): B's clients never get what A sent during the cut, though B hears A again after it", async () => {
    const r = await broadcastAcrossACut('redis-pubsub');
    expect(r.reset).toBeGreaterThanOrEqual(2);
    expect(r.sentDuringCut.length).toBeGreaterThan(100);
    const duringCut = new Set(r.sentDuringCut);
    for (const f of r.onB) {
      const got = received(f);
      // Nothing sent while B's subscriber connection was down, ever: Pub/Sub keeps nothing.
      expect(got.filter((n) => duringCut.has(n))).toEqual([]);
      // What it did get, it got once and in order, and it got the end: B resubscribed.
      expect(got).toEqual([...new Set(got)].sort((x, y) => x - y));
      expect(got).toContain(TICKS);
      expect(got).toContain(1);
    }
    for (const f of r.others) expect(received(f)).toEqual(all);
  }, 20_000);
});
