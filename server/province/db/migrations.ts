import type { Db } from './database';

/**
 * The province schema, as numbered migrations run at start (docs/province.md, "Schema"). A
 * migration once released is never edited: a change is a new one. Several processes starting at
 * once are safe: each takes the same advisory lock and applies what the others have not.
 *
 * Instants are UTC milliseconds (bigint), days the centre's local date (text, YYYY-MM-DD), as in
 * the domain; no column depends on the server's zone.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'centres, tokens, accounts, audit',
    sql: `
      CREATE TABLE centres (
        id text PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9-]{1,39}$'),
        name jsonb NOT NULL,
        area text NOT NULL,
        -- What the linked hub last told about itself (server/protocol/centre-profile.ts).
        profile jsonb,
        created_at bigint NOT NULL
      );
      CREATE TABLE centre_tokens (
        id text PRIMARY KEY,
        centre_id text NOT NULL REFERENCES centres(id),
        -- sha256 of the token; the token itself is shown once, when issued.
        token_hash text NOT NULL UNIQUE,
        issued_by text NOT NULL,
        issued_at bigint NOT NULL,
        revoked_at bigint
      );
      CREATE INDEX centre_tokens_centre ON centre_tokens(centre_id);
      CREATE TABLE province_accounts (
        id text PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9._-]{1,39}$'),
        name text NOT NULL,
        role text NOT NULL CHECK (role IN ('admin', 'supervisor', 'centre-supervisor')),
        -- For 'centre-supervisor': the one centre whose data the account reads.
        centre_id text REFERENCES centres(id),
        password_hash text NOT NULL,
        disabled boolean NOT NULL DEFAULT false,
        CHECK ((role = 'centre-supervisor') = (centre_id IS NOT NULL))
      );
      CREATE TABLE audit (
        id bigserial PRIMARY KEY,
        at bigint NOT NULL,
        actor text NOT NULL,
        action text NOT NULL,
        centre_id text,
        details jsonb NOT NULL DEFAULT '{}'
      );
      CREATE INDEX audit_at ON audit(at);
    `,
  },
  {
    version: 2,
    name: 'bookings with their places counted per slot',
    sql: `
      -- One row per slot that has been asked for: capacity from the centre's templates, and the
      -- places taken (live holds, confirmed and checked-in bookings). A place is taken only by
      -- UPDATE ... SET taken = taken + 1 WHERE taken < capacity, in the transaction that inserts the
      -- booking: the database, not a read before, says whether there was room.
      CREATE TABLE booking_slots (
        centre_id text NOT NULL REFERENCES centres(id),
        service_id text NOT NULL,
        slot_start bigint NOT NULL,
        day text NOT NULL,
        capacity integer NOT NULL CHECK (capacity >= 0),
        taken integer NOT NULL DEFAULT 0 CHECK (taken >= 0),
        PRIMARY KEY (centre_id, service_id, slot_start)
      );
      CREATE INDEX booking_slots_day ON booking_slots(centre_id, service_id, day);
      CREATE TABLE bookings (
        id text PRIMARY KEY,
        centre_id text NOT NULL REFERENCES centres(id),
        code text,
        service_id text NOT NULL,
        day text NOT NULL,
        slot_start bigint NOT NULL,
        slot_end bigint NOT NULL,
        phone text NOT NULL,
        name text NOT NULL,
        email text,
        id_hash text,
        -- 'lapsed': a hold whose time ran out, no longer counted in its slot's places.
        state text NOT NULL CHECK (state IN ('held', 'lapsed', 'released', 'confirmed', 'cancelled', 'checked-in')),
        held_until bigint NOT NULL,
        otp_hash text,
        otp_failures integer NOT NULL DEFAULT 0,
        codes_sent integer NOT NULL DEFAULT 0,
        by text NOT NULL,
        created_at bigint NOT NULL,
        confirmed_at bigint,
        cancelled_at bigint,
        cancelled_by text,
        cancel_reason jsonb,
        checked_in_at bigint,
        ticket_id text,
        ticket_number text,
        moves integer NOT NULL DEFAULT 0
      );
      CREATE UNIQUE INDEX bookings_code ON bookings(code) WHERE code IS NOT NULL;
      CREATE INDEX bookings_slot ON bookings(centre_id, service_id, slot_start);
      CREATE INDEX bookings_phone ON bookings(phone, day);
      CREATE INDEX bookings_id_hash ON bookings(id_hash, day) WHERE id_hash IS NOT NULL;
      CREATE INDEX bookings_centre_day ON bookings(centre_id, day);
      -- One row per person key ('phone:<n>', 'id:<hash>'), locked FOR UPDATE while that person's
      -- booking is decided: a person's limits are checked and kept in one order, on every process.
      CREATE TABLE booking_people (person_key text PRIMARY KEY);
      CREATE TABLE booking_closures (
        id text PRIMARY KEY,
        centre_id text NOT NULL REFERENCES centres(id),
        day text NOT NULL,
        service_id text,
        reason jsonb NOT NULL,
        by text NOT NULL,
        at bigint NOT NULL
      );
      CREATE INDEX booking_closures_day ON booking_closures(centre_id, day);
      -- A repeated command gets its first answer: the answer is stored in the command's transaction.
      CREATE TABLE command_answers (
        key text PRIMARY KEY,
        fingerprint text NOT NULL,
        -- Text, not jsonb: the repeated answer is the first one byte for byte.
        answer text NOT NULL,
        at bigint NOT NULL
      );
    `,
  },
  {
    version: 3,
    name: 'the link: an outbox to each centre and what was applied from it',
    sql: `
      -- Province to hub: every message for a centre, numbered 1, 2, 3 ... without gaps, in commit
      -- order (the number is taken from the centre's row in link_sequences, locked until commit).
      CREATE TABLE link_sequences (
        centre_id text PRIMARY KEY REFERENCES centres(id),
        -- The last number given to a message to the centre.
        out_seq bigint NOT NULL DEFAULT 0,
        -- The last number of the centre's own messages applied here (exactly once, in order).
        in_seq bigint NOT NULL DEFAULT 0,
        -- The last number the centre said it applied.
        out_acked bigint NOT NULL DEFAULT 0
      );
      CREATE TABLE centre_outbox (
        centre_id text NOT NULL REFERENCES centres(id),
        seq bigint NOT NULL,
        kind text NOT NULL,
        body jsonb NOT NULL,
        at bigint NOT NULL,
        PRIMARY KEY (centre_id, seq)
      );
    `,
  },
  {
    version: 4,
    name: 'what centres tell: their live state, their closed days, no-shows',
    sql: `
      -- A booking the centre reported nobody came for (its day closed with it still confirmed).
      ALTER TABLE bookings ADD COLUMN no_show boolean NOT NULL DEFAULT false;
      -- A closed day's report by field, as the centre computed it (no personal data).
      CREATE TABLE centre_days (
        centre_id text NOT NULL REFERENCES centres(id),
        day text NOT NULL,
        report jsonb NOT NULL,
        received_at bigint NOT NULL,
        PRIMARY KEY (centre_id, day)
      );
      -- The newest live state each centre sent (a snapshot: waiting, counters, calls, faults).
      CREATE TABLE centre_live (
        centre_id text PRIMARY KEY REFERENCES centres(id),
        state jsonb NOT NULL,
        at bigint NOT NULL,
        received_at bigint NOT NULL
      );
    `,
  },
  {
    version: 5,
    name: 'the keys that sign booking tokens',
    sql: `
      -- Ed25519 keys that sign the token in a booking's QR (server/app/booking-token-crypto.ts).
      -- Hubs are given the public keys of those not retired; the private key never leaves here.
      CREATE TABLE signing_keys (
        id text PRIMARY KEY,
        private_key text NOT NULL,
        public_key text NOT NULL,
        created_at bigint NOT NULL,
        retired_at bigint
      );
    `,
  },
  {
    version: 6,
    name: 'province staff: sessions, when each hub came and went, audit look-ups',
    sql: `
      -- A signed-in province account: the sha256 of the session token only (the token is the
      -- browser's cookie or an API client's bearer), so a copy of the database opens no session.
      CREATE TABLE province_sessions (
        token_hash text PRIMARY KEY,
        account_id text NOT NULL REFERENCES province_accounts(id),
        created_at bigint NOT NULL,
        expires_at bigint NOT NULL
      );
      CREATE INDEX province_sessions_account ON province_sessions(account_id);
      CREATE INDEX province_sessions_expiry ON province_sessions(expires_at);
      -- When a centre's hub last connected to any province process, and last went away from one.
      CREATE TABLE centre_presence (
        centre_id text PRIMARY KEY REFERENCES centres(id),
        connected_at bigint,
        disconnected_at bigint
      );
      -- The audit log read newest first, by centre or by action.
      CREATE INDEX audit_centre_id ON audit(centre_id, id);
      CREATE INDEX audit_action_id ON audit(action, id);
    `,
  },
  {
    version: 7,
    name: 'the citizens\' portal: a secret, SMS to send, limits shared by every process',
    sql: `
      -- Secrets the province makes once (the key of its keyed hashes of CCCD numbers and SMS codes).
      CREATE TABLE province_secrets (
        name text PRIMARY KEY,
        value text NOT NULL,
        created_at bigint NOT NULL
      );
      -- SMS to citizens, written in the transaction of what they tell, sent by any process
      -- (FOR UPDATE SKIP LOCKED), once per key.
      CREATE TABLE sms_outbox (
        id bigserial PRIMARY KEY,
        key text NOT NULL UNIQUE,
        to_phone text NOT NULL,
        text text NOT NULL,
        created_at bigint NOT NULL,
        next_at bigint NOT NULL,
        attempts integer NOT NULL DEFAULT 0,
        sent_at bigint,
        last_error text
      );
      CREATE INDEX sms_outbox_due ON sms_outbox(next_at) WHERE sent_at IS NULL;
      -- Token buckets (holds per phone, per address) and guess counts (wrong code-and-phone pairs):
      -- in the database, so a guesser spread over several processes meets one limit.
      CREATE TABLE portal_buckets (
        key text PRIMARY KEY,
        tokens double precision NOT NULL,
        at bigint NOT NULL
      );
      CREATE TABLE portal_guesses (
        key text PRIMARY KEY,
        failures integer NOT NULL,
        blocked_until bigint NOT NULL,
        last_failure bigint NOT NULL
      );
    `,
  },
  {
    version: 8,
    name: 'the province\'s settings for all its centres',
    sql: `
      -- One row: days off and make-up days for every centre, and a notice for their displays.
      -- Each change is sent to every centre as a numbered message (kind 'settings').
      CREATE TABLE province_settings (
        id integer PRIMARY KEY CHECK (id = 1),
        version integer NOT NULL,
        holidays jsonb NOT NULL,
        workdays jsonb NOT NULL,
        notice jsonb,
        updated_by text NOT NULL,
        updated_at bigint NOT NULL
      );
      -- The settings version last queued for each centre (a centre added later is sent them at its hello).
      ALTER TABLE link_sequences ADD COLUMN settings_sent integer NOT NULL DEFAULT 0;
    `,
  },
  {
    version: 9,
    name: 'a limiter bucket keeps its rate, so several are taken in one statement',
    sql: `
      ALTER TABLE portal_buckets ADD COLUMN burst double precision NOT NULL DEFAULT 1;
      ALTER TABLE portal_buckets ADD COLUMN per_ms double precision NOT NULL DEFAULT 0;
    `,
  },
  {
    version: 10,
    name: 'the province\'s booking limits over every centre\'s own',
    sql: `
      ALTER TABLE province_settings ADD COLUMN booking jsonb NOT NULL DEFAULT '{"perPhonePerDay": null, "perServicePerDay": null, "horizonDays": null}';
    `,
  },
];

/** Applies the migrations this database lacks, in order; returns the versions applied. */
export async function migrate(db: Db, migrations: Migration[] = MIGRATIONS): Promise<number[]> {
  const client = await db.connect();
  try {
    await client.query('BEGIN');
    // One process at a time; the others wait here, then find nothing left to do.
    await client.query(`SELECT pg_advisory_xact_lock(hashtext('luot-province-migrations'))`);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at bigint NOT NULL)`);
    const done = new Set((await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((r) => r.version));
    const known = new Set(migrations.map((m) => m.version));
    const unknown = [...done].filter((v) => !known.has(v));
    if (unknown.length > 0) throw new Error(`the database has migrations this program does not know (${unknown.join(', ')}): run a newer version`);
    const applied: number[] = [];
    for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
      if (done.has(migration.version)) continue;
      await client.query(migration.sql);
      await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [migration.version, migration.name, Date.now()]);
      applied.push(migration.version);
    }
    await client.query('COMMIT');
    return applied;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
