import pino, { type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'passerelle' },
    // Keys and tokens never reach the logs, whichever object they travel in.
    redact: { paths: ['*.authorization', '*.headers.authorization', '*.apiKey', '*.token'], censor: '[redacted]' },
  });
}
