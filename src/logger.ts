import pino, { type Logger } from 'pino';
import type { Config } from './kernel/config.js';

/** Fields that may carry PHI or secrets, at any of the first two levels of a logged object. */
const PHI_FIELDS = [
  'variables', 'query', 'parameters', 'args', 'detail', 'where', 'password', 'passwordHash', 'token', 'accessToken',
  'refreshToken', 'authorization', 'firstName', 'lastName', 'middleName', 'preferredName', 'mrn', 'dateOfBirth',
  'phone', 'email', 'address', 'addressLine1', 'addressLine2', 'body', 'notes', 'changes',
];
const PHI_PATHS = PHI_FIELDS.flatMap((f) => [f, `*.${f}`]);

export function createLogger(config: Pick<Config, 'env' | 'logLevel'>): Logger {
  return pino({
    level: config.logLevel,
    base: { service: 'health-graphql' },
    // Defence in depth: request logs never include variables or data, but any
    // object that reaches a log line has PHI-bearing fields censored.
    redact: { paths: PHI_PATHS, censor: '[redacted]' },
    ...(config.env === 'development' && process.stdout.isTTY
      ? { transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname,service' } } }
      : {}),
  });
}
