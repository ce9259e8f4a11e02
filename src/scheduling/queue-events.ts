import type { Logger } from 'pino';
import type { AppDeps } from '../deps.js';
import type { Sql, TransactionSql } from '../kernel/db/pool.js';
import { isUuid } from '../kernel/global-id.js';
import type { OpdQueueEventKind } from './opd-queue-rules.js';
import { notifyQueueChange } from './opd-queue-repository.js';

/** PostgreSQL channel every API process listens on. */
export const QUEUE_CHANNEL = 'opd_queue';

/**
 * A committed change of an OPD queue as it travels between processes: ids and
 * the status only (no PHI). Subscribers re-read the entry through the normal,
 * permission-checked resolvers.
 */
export interface QueueNotice {
  organizationId: string;
  departmentId: string;
  kind: OpdQueueEventKind;
  entryId: string | null;
  status: string | null;
  queueDate: string | null;
}

const KINDS: readonly OpdQueueEventKind[] = ['ENQUEUED', 'CALLED', 'CONSULTATION_STARTED', 'COMPLETED', 'LEFT', 'RESYNC'];

export function encodeNotice(n: QueueNotice): string {
  return JSON.stringify({ o: n.organizationId, d: n.departmentId, k: n.kind, e: n.entryId, s: n.status, q: n.queueDate });
}

/** Parses a NOTIFY payload; anything malformed is dropped. */
export function decodeNotice(payload: string): QueueNotice | null {
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(payload) as Record<string, unknown>;
  } catch {
    return null;
  }
  const { o, d, k, e, s, q } = raw;
  if (typeof o !== 'string' || !isUuid(o) || typeof d !== 'string' || !isUuid(d)) return null;
  if (typeof k !== 'string' || !(KINDS as readonly string[]).includes(k)) return null;
  return {
    organizationId: o,
    departmentId: d,
    kind: k as OpdQueueEventKind,
    entryId: typeof e === 'string' && isUuid(e) ? e : null,
    status: typeof s === 'string' ? s : null,
    queueDate: typeof q === 'string' ? q : null,
  };
}

/** Queues a notice in the writing transaction; delivered on commit, never on rollback. */
export function publishQueueChange(tx: TransactionSql, notice: Omit<QueueNotice, 'kind'> & { kind: Exclude<OpdQueueEventKind, 'RESYNC'> }) {
  return notifyQueueChange(tx, encodeNotice(notice));
}

/** Notices a slow subscriber may have pending before they are replaced by one RESYNC. */
const MAX_PENDING = 1000;

/** One local subscriber: a pull-based async iterator fed by the hub. */
class Subscription implements AsyncIterableIterator<QueueNotice> {
  private readonly pending: QueueNotice[] = [];
  private waiting: ((result: IteratorResult<QueueNotice>) => void) | null = null;
  private done = false;

  constructor(
    readonly organizationId: string,
    readonly departmentId: string,
    private readonly onClose: (s: Subscription) => void,
  ) {}

  push(notice: QueueNotice): void {
    if (this.done) return;
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = null;
      resolve({ value: notice, done: false });
      return;
    }
    if (this.pending.length >= MAX_PENDING) {
      this.pending.length = 0;
      this.pending.push(resync(this.organizationId, this.departmentId));
      return;
    }
    this.pending.push(notice);
  }

  next(): Promise<IteratorResult<QueueNotice>> {
    const value = this.pending.shift();
    if (value) return Promise.resolve({ value, done: false });
    if (this.done) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => (this.waiting = resolve));
  }

  /** Ends the subscription at once, even while a `next()` is pending (client unsubscribed or disconnected). */
  return(): Promise<IteratorResult<QueueNotice>> {
    if (!this.done) {
      this.done = true;
      this.pending.length = 0;
      this.onClose(this);
      this.waiting?.({ value: undefined, done: true });
      this.waiting = null;
    }
    return Promise.resolve({ value: undefined, done: true });
  }

  throw(error?: unknown): Promise<IteratorResult<QueueNotice>> {
    void this.return();
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }

  [Symbol.asyncIterator]() {
    return this;
  }
}

const resync = (organizationId: string, departmentId: string): QueueNotice => ({
  organizationId,
  departmentId,
  kind: 'RESYNC',
  entryId: null,
  status: null,
  queueDate: null,
});

/**
 * The queue notices of one API process: one `LISTEN opd_queue` connection
 * (postgres.js re-listens after a reconnect) fanned out to the local
 * subscribers of the notice's organization and department. Every process
 * listens, so a change committed through any process reaches every subscriber.
 */
export class QueueEventHub {
  private readonly byKey = new Map<string, Set<Subscription>>();
  private listening: Promise<void> | null = null;
  private unlisten: (() => Promise<void>) | null = null;
  private listens = 0;

  constructor(
    private readonly sql: Sql,
    private readonly logger: Logger,
  ) {}

  /** Starts listening; resolves once LISTEN is in effect. */
  start(): Promise<void> {
    this.listening ??= this.sql
      .listen(
        QUEUE_CHANNEL,
        (payload) => this.deliver(payload),
        () => {
          // Called after every (re)LISTEN. After a reconnect, notices sent meanwhile are lost: tell everyone to re-read.
          if (this.listens++ > 0) this.resyncAll();
        },
      )
      .then((meta) => {
        this.unlisten = meta.unlisten;
      })
      .catch((error: unknown) => {
        this.listening = null;
        throw error;
      });
    return this.listening;
  }

  /** Local subscription to one department of one organization; resolves once notices will be delivered. */
  async subscribe(organizationId: string, departmentId: string): Promise<AsyncIterableIterator<QueueNotice>> {
    await this.start();
    const key = `${organizationId}:${departmentId}`;
    const subscription = new Subscription(organizationId, departmentId, (s) => {
      const set = this.byKey.get(key);
      set?.delete(s);
      if (set?.size === 0) this.byKey.delete(key);
    });
    let set = this.byKey.get(key);
    if (!set) this.byKey.set(key, (set = new Set()));
    set.add(subscription);
    return subscription;
  }

  /** Local subscribers right now (tests wait on it before making changes). */
  subscriberCount(): number {
    let n = 0;
    for (const set of this.byKey.values()) n += set.size;
    return n;
  }

  async stop(): Promise<void> {
    for (const set of [...this.byKey.values()]) for (const s of [...set]) await s.return();
    const unlisten = this.unlisten;
    this.unlisten = null;
    this.listening = null;
    await unlisten?.().catch(() => {});
  }

  private deliver(payload: string): void {
    const notice = decodeNotice(payload);
    if (!notice) {
      this.logger.warn({ channel: QUEUE_CHANNEL }, 'ignored a malformed queue notice');
      return;
    }
    for (const s of this.byKey.get(`${notice.organizationId}:${notice.departmentId}`) ?? []) s.push(notice);
  }

  private resyncAll(): void {
    for (const set of this.byKey.values()) for (const s of set) s.push(resync(s.organizationId, s.departmentId));
  }
}

const hubs = new WeakMap<AppDeps, QueueEventHub>();

/** The hub of one API process (one per AppDeps, never global). */
export function queueEvents(deps: AppDeps): QueueEventHub {
  let hub = hubs.get(deps);
  if (!hub) hubs.set(deps, (hub = new QueueEventHub(deps.listener.sql, deps.logger)));
  return hub;
}
