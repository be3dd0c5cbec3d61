/** The one error shape every API route answers with. */
import { z } from "zod";

export const ErrorBodySchema = z.object({
  error: z.object({
    code: z
      .string()
      .describe(
        "Machine-readable error code, e.g. validation_error, not_found, limit_reached (a per-person limit), " +
          "busy (too many chat turns at once; see Retry-After), payload_too_large, batch_too_large, rate_limited",
      ),
    message: z.string().describe("What went wrong, in words a person can act on"),
    field: z.string().optional().describe("For validation errors: the first offending field"),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBodySchema>;
