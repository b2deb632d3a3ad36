import { pino, type Logger } from 'pino';
import { safeErrorSerializer } from './db-errors.js';

/**
 * Structured JSON logger. Personal data is never logged: the redact paths below are a safety net
 * for fields that must never appear even if a caller logs a whole body by mistake.
 */
export function createLogger(level = 'info', name = 'kntc-flow', destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    name,
    level,
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers["x-api-key"]',
        '*.parties',
        '*.party',
        'parties',
        'party',
        '*.fullName',
        '*.idNumber',
        '*.phone',
        '*.address',
        '*.email',
      ],
      censor: '[redacted]',
    },
    // PostgreSQL errors quote the input they refused (detail, where, message): logged without it (db-errors.ts).
    serializers: { err: safeErrorSerializer, error: safeErrorSerializer },
  };
  return destination ? pino(options, destination) : pino(options);
}

export type { Logger };
