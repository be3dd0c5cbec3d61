/**
 * The Trash's purge, run periodically by the server process: tasks deleted more than TRASH_DAYS
 * ago (and the change log as old) are removed for good. Every replica runs it; the deletes are
 * idempotent, so two replicas purging at once only find less to do. (A job queue may take this
 * over later; purgeTrash is the unit either way.)
 */
import { describeError } from "../http/errors.ts";
import type { Logger } from "../logger.ts";
import type { TaskService } from "./tasks.service.ts";

/** How often the purge runs: the Trash's 30 days need no finer grain than an hour. */
export const TRASH_PURGE_EVERY_MS = 60 * 60 * 1000;

/**
 * Purges now and then every `everyMs`; answers `stop`, and `first`, the first run (for tests). The
 * timer never keeps the process alive.
 */
export function scheduleTrashPurge(
  tasks: TaskService,
  logger: Logger,
  clock: () => Date = () => new Date(),
  everyMs = TRASH_PURGE_EVERY_MS,
): { stop: () => void; first: Promise<void> } {
  const run = () =>
    tasks.purgeTrash(clock()).then(
      (purged) => {
        if (purged.tasks > 0 || purged.changes > 0) logger.info(purged, "purged the Trash and the change log older than its days");
      },
      (err: unknown) => logger.error({ err: describeError(err) }, "purging the Trash failed; it runs again later"),
    );
  const first = run();
  const timer = setInterval(() => void run(), everyMs);
  timer.unref();
  return { stop: () => clearInterval(timer), first };
}
