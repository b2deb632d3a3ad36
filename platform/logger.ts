import { pino, type Logger } from 'pino';

/**
 * Structured JSON logger. Personal data is never logged: the redact paths below are a safety net
 * for fields that must never appear even if a caller logs a whole body by mistake.
 */
export function createLogger(level = 'info', name = 'kntc-flow'): Logger {
  return pino({
    name,
    level,
    redact: {
      paths: [
        'req.headers.authorization', 'req.headers["x-api-key"]', '*.parties', '*.party', 'parties', 'party',
        '*.fullName', '*.idNumber', '*.phone', '*.address', '*.email',
      ],
      censor: '[redacted]',
    },
  });
}

export type { Logger };
