import type { Viewer } from '../kernel/auth/viewer.js';

/**
 * Recently verified accounts of this process (one per AppDeps, never global),
 * keyed by user AND organization: a token naming a user with another
 * organization finds no entry of that user's and cannot spoil one. Entries
 * hold only what the database said about that (user, organization).
 */
export class ViewerCache {
  /**
   * `ttlMs` (VIEWER_CACHE_TTL_MS): how long a verified account status is trusted before it is read
   * again. Deactivation and role changes reach every API process within it (and at once on the
   * process that made them, see `forget`).
   */
  constructor(private readonly ttlMs = 5_000) {}

  private readonly entries = new Map<string, { viewer: Viewer | null; at: number }>();
  /** Lookups in flight: concurrent requests of a user whose entry expired share one (no stampede). */
  private readonly pending = new Map<string, Promise<Viewer | null>>();
  /** Bumped by `forget`, so a lookup that started before a change does not store its stale answer. */
  private generation = 0;

  private static key(userId: string, organizationId: string) {
    return `${organizationId}/${userId}`;
  }

  get(userId: string, organizationId: string): Viewer | null | undefined {
    const entry = this.entries.get(ViewerCache.key(userId, organizationId));
    return entry && Date.now() - entry.at < this.ttlMs ? entry.viewer : undefined;
  }

  set(userId: string, organizationId: string, viewer: Viewer | null): void {
    if (this.entries.size > 10_000) this.entries.clear();
    this.entries.set(ViewerCache.key(userId, organizationId), { viewer, at: Date.now() });
  }

  /** The cached viewer, or one `load` shared by every caller that asks while it runs. */
  lookup(userId: string, organizationId: string, load: () => Promise<Viewer | null>): Promise<Viewer | null> {
    const cached = this.get(userId, organizationId);
    if (cached !== undefined) return Promise.resolve(cached);
    const key = ViewerCache.key(userId, organizationId);
    const inFlight = this.pending.get(key);
    if (inFlight) return inFlight;
    const generation = this.generation;
    const loading = load()
      .then((viewer) => {
        if (generation === this.generation) this.set(userId, organizationId, viewer);
        return viewer;
      })
      .finally(() => {
        if (this.pending.get(key) === loading) this.pending.delete(key);
      });
    this.pending.set(key, loading);
    return loading;
  }

  /** Called after deactivation or a role change so this process applies it at once. */
  forget(userId: string): void {
    this.generation++;
    for (const key of this.entries.keys()) if (key.endsWith(`/${userId}`)) this.entries.delete(key);
    for (const key of this.pending.keys()) if (key.endsWith(`/${userId}`)) this.pending.delete(key);
  }
}
