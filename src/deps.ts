import type { Logger } from 'pino';
import type { Clock } from './kernel/clock.js';
import type { PhiFieldKinds } from './kernel/auth/permissions.js';
import type { Config } from './kernel/config.js';
import type { AccessLogBatches } from './kernel/db/access-log.js';
import type { Database } from './kernel/db/pool.js';
import type { SessionLimits } from './kernel/db/tenant-session.js';
import type { ViewerCache } from './identity/viewer-cache.js';
import type { LoginThrottle } from './identity/login-throttle.js';
import type { LimiterStore, RequestLimiter } from './kernel/rate-limits.js';
import type { TokenService } from './identity/tokens.js';
import type { CursorCodec } from './kernel/pagination.js';
import type { Metrics } from './operability/metrics.js';
import type { ReplicaRouter } from './kernel/db/replica.js';
import type { Tracing } from './operability/tracing.js';

/** Process-wide services, created once in main and shared by every request. */
export interface AppDeps {
  config: Config;
  db: Database;
  /** Routes reads that may be stale to DATABASE_REPLICA_URL while it is healthy; null without a replica. */
  replicas: ReplicaRouter | null;
  /** Where subscriptions LISTEN: `db` itself, or a direct connection when `db` goes through a pooler. */
  listener: Database;
  limits: SessionLimits;
  /** Groups concurrent requests' PHI access rows per organization (group commit; src/kernel/db/access-log.ts). */
  accessLog: AccessLogBatches;
  logger: Logger;
  tokens: TokenService;
  /** Seals and opens list cursors (CURSOR_SECRET, else JWT_SECRET). */
  cursors: CursorCodec;
  viewerCache: ViewerCache;
  metrics: Metrics;
  /** Abuse limits shared through PostgreSQL (table rate_limits). */
  limiterStore: LimiterStore;
  requestLimiter: RequestLimiter;
  loginThrottle: LoginThrottle;
  /** The time background jobs go by (tests move it: test/helpers/clock.ts). */
  clock: Clock;
  /** The connection string the API serves over (the job runner uses it too). */
  databaseUrl: string;
  /** OpenTelemetry tracing; null (off) unless OTEL_EXPORTER_OTLP_ENDPOINT is set or an exporter is injected. */
  tracing: Tracing | null;
  /** The `@phi` kind of every GraphQL field, for renderings outside GraphQL (FHIR) that mask by the same rule. */
  phiFields: PhiFieldKinds;
}
