/** pino JSON logs. Secrets are redacted by path so a careless log line cannot leak them. */
import { pino, type Logger } from "pino";

export type { Logger };

export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: "todo-chatbot-backend" },
    redact: {
      paths: [
        "password",
        "*.password",
        "token",
        "*.token",
        "authorization",
        "*.authorization",
        "req.headers.authorization",
        "req.headers.cookie",
        "res.headers['set-cookie']",
        "apiKey",
        "*.apiKey",
        "secret",
        "*.secret",
      ],
      censor: "[redacted]",
    },
  });
}
