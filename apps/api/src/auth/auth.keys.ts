/**
 * The JWT signing key is created once, under the migration lock, by whichever process gets there
 * first (normally the migrate Job), so replicas never race to mint competing keys.
 *
 * Its private half is stored encrypted with BETTER_AUTH_SECRET. When the secret has changed (a
 * chart that generated a new one, an operator's mistake) the latest key can no longer be
 * decrypted and every /api/auth/token would fail: then a new key is made with the current secret
 * and becomes the signing key, while the old public keys stay in the JWKS so tokens signed before
 * still verify until they expire. One warning line says so.
 */
import { symmetricDecrypt } from "better-auth/crypto";
import { createJwk } from "better-auth/plugins/jwt";
import { desc } from "drizzle-orm";
import type { DatabaseHandle } from "../db/client.ts";
import { jwks } from "../db/schema.ts";
import type { Logger } from "../logger.ts";
import { JWT_OPTIONS, type Auth } from "./auth.ts";

const SIGNING_KEY_LOCK = 727_002;

export async function ensureSigningKey(auth: Auth, database: DatabaseHandle, logger?: Logger): Promise<void> {
  await database.withAdvisoryLock(SIGNING_KEY_LOCK, async (db) => {
    // getJwks creates the key pair when none exists; under the lock only the first caller does.
    await auth.api.getJwks();
    const context = await auth.$context;
    const [latest] = await db.select().from(jwks).orderBy(desc(jwks.createdAt)).limit(1);
    if (!latest) return;
    const readable = await symmetricDecrypt({ key: context.secretConfig, data: JSON.parse(latest.privateKey) }).then(
      () => true,
      () => false,
    );
    if (readable) return;
    await createJwk({ context } as Parameters<typeof createJwk>[0], JWT_OPTIONS);
    logger?.warn(
      { previousKeyId: latest.id },
      "the JWT signing key could not be decrypted with BETTER_AUTH_SECRET (the secret changed): a new key now signs tokens; the old public key stays in the JWKS",
    );
  });
}
