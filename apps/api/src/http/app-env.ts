/** The Hono environment shared by every router: what middleware puts on the context. */
import { OpenAPIHono } from "@hono/zod-openapi";
import { validationError } from "./errors.ts";

export interface AppEnv {
  Variables: {
    requestId: string;
    userId: string;
  };
}

/** A router whose request validation failures render in the one error shape, naming the field. */
export function createRouter() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) throw validationError(result.error, result.target);
    },
  });
}
