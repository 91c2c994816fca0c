import { parseCentreConfig } from '../../server/config/load-config';
import type { CentreConfig } from '../../server/config/centre-config';
import { centreProfileOf, type CentreProfile } from '../../server/protocol/centre-profile';
import { CentreRegistry } from '../../server/province/centre-registry';
import { openDatabase, type Db } from '../../server/province/db/database';
import { migrate } from '../../server/province/db/migrations';
import { createTestDatabase, type TestDatabase } from './database-servers';
import { testCentreInput } from './test-centre';

/**
 * A province database for a test: a new database on the test PostgreSQL, migrated, and a pool per
 * simulated province process (each its own connections, as separate processes would have).
 */
export interface ProvinceDb {
  url: string;
  pools: Db[];
  registry: CentreRegistry;
  close(): Promise<void>;
}

export async function provinceDatabase(label: string, processes = 3): Promise<ProvinceDb> {
  const database: TestDatabase = await createTestDatabase(label);
  const pools = Array.from({ length: processes }, () => openDatabase(database.url, 8));
  await migrate(pools[0]!);
  return {
    url: database.url,
    pools,
    registry: new CentreRegistry(pools[0]!),
    async close() {
      await Promise.all(pools.map((p) => p.end()));
      await database.drop();
    },
  };
}

/** The test centre's profile with bookings on: Hộ tịch 08:00-11:00 by 30 minutes, `places` each. */
export function bookingProfile(places = 5, booking: Record<string, unknown> = {}): CentreProfile {
  return centreProfileOf(bookingCentre(places, booking));
}

/** The test centre with bookings on (as bookingProfile), for a hub. */
export function bookingCentre(places = 5, booking: Record<string, unknown> = {}): CentreConfig {
  const input = testCentreInput();
  return parseCentreConfig({
    ...input,
    booking: {
      enabled: true,
      phoneCheck: 'off',
      services: [
        { serviceId: 'ho-tich', slots: [{ days: [1, 2, 3, 4, 5], from: '08:00', to: '11:00', slotMinutes: 30, places }] },
        { serviceId: 'dat-dai', slots: [{ days: [1, 2, 3, 4, 5], from: '08:00', to: '11:00', slotMinutes: 30, places }] },
        { serviceId: 'chung-thuc', slots: [{ days: [1, 2, 3, 4, 5], from: '08:00', to: '11:00', slotMinutes: 30, places }] },
      ],
      ...booking,
    },
  });
}

/** Adds a linked centre with a profile. */
export async function addCentre(db: ProvinceDb, id: string, profile: CentreProfile, now: number): Promise<void> {
  const added = await db.registry.add({ id, name: profile.name, area: 'Hà Nội' }, 'test-admin', now);
  if (!added.ok) throw new Error(added.error);
  await db.registry.setProfile(id, profile);
}
