/**
 * The JWT signing key is created once, under the migration lock, by whichever process gets there
 * first (normally the migrate Job), so replicas never race to mint competing keys.
 */
import type { DatabaseHandle } from "../db/client.ts";
import type { Auth } from "./auth.ts";

const SIGNING_KEY_LOCK = 727_002;

export async function ensureSigningKey(auth: Auth, database: DatabaseHandle): Promise<void> {
  // getJwks creates the key pair when none exists; under the lock only the first caller does.
  await database.withAdvisoryLock(SIGNING_KEY_LOCK, () => auth.api.getJwks());
}
