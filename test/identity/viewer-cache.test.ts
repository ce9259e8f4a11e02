import { describe, expect, it } from 'vitest';
import { ViewerCache } from '../../src/identity/viewer-cache.js';
import { makeViewer } from '../../src/kernel/auth/viewer.js';

const USER = '00000000-0000-4000-8000-000000000001';
const ORG = '00000000-0000-4000-8000-0000000000aa';
const viewerOf = () => makeViewer(USER, ORG, ['NURSE']);

describe('viewer cache', () => {
  it('lets concurrent requests of a user whose entry expired share one database lookup', async () => {
    const cache = new ViewerCache();
    let loads = 0;
    let finish!: (v: ReturnType<typeof viewerOf>) => void;
    const load = () => {
      loads++;
      return new Promise<ReturnType<typeof viewerOf>>((r) => (finish = r));
    };
    const waiting = Array.from({ length: 16 }, () => cache.lookup(USER, ORG, load));
    finish(viewerOf());
    const viewers = await Promise.all(waiting);
    expect(loads).toBe(1);
    expect(new Set(viewers).size).toBe(1);
    // Now cached: no further load.
    await cache.lookup(USER, ORG, load);
    expect(loads).toBe(1);
  });

  it('does not store a lookup that was in flight when the account changed', async () => {
    const cache = new ViewerCache();
    let finish!: (v: ReturnType<typeof viewerOf>) => void;
    const stale = cache.lookup(USER, ORG, () => new Promise((r) => (finish = r)));
    cache.forget(USER);
    finish(viewerOf());
    await stale;
    expect(cache.get(USER, ORG)).toBeUndefined();
  });
});
