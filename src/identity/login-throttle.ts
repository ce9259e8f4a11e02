import { createHash } from 'node:crypto';
import type { RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import type { AbuseLimits } from '../kernel/config.js';
import { rateLimited } from '../kernel/errors.js';
import type { LimiterStore } from '../kernel/rate-limits.js';

const DAY_SECONDS = 24 * 60 * 60;
const HOUR_SECONDS = 60 * 60;
const UNCOUNTED = 1_000_000_000;

/**
 * Sign-in failures slow the guesser down without locking out the account's
 * owner. Wrong passwords are counted per address+account, per account (from
 * all addresses) and per address, in PostgreSQL so every API process sees them:
 *
 * - past LOGIN_ADDRESS_ACCOUNT_FREE_FAILURES from one address against one
 *   account, that pair waits LOGIN_DELAY_BASE_SECONDS, doubling with each
 *   further failure up to LOGIN_DELAY_MAX_SECONDS; other addresses are not
 *   affected, so the owner signing in from elsewhere still gets in;
 * - past LOGIN_ACCOUNT_FREE_FAILURES (a guess spread over many addresses) the
 *   account's attempts wait the same growing delay;
 * - past LOGIN_ADDRESS_FAILURES_PER_HOUR from one address (any accounts) the
 *   address waits until its hour is over.
 *
 * A waiting attempt is refused before its password is checked, with
 * RATE_LIMITED (HTTP 429, Retry-After). A successful sign-in clears the
 * account's and the pair's counters. Accounts are keyed by a hash of the
 * e-mail, never the e-mail itself.
 */
export class LoginThrottle {
  private readonly pairFailures: RateLimiterPostgres;
  private readonly pairWait: RateLimiterPostgres;
  private readonly accountFailures: RateLimiterPostgres;
  private readonly accountWait: RateLimiterPostgres;
  private readonly addressFailures: RateLimiterPostgres;

  constructor(
    store: LimiterStore,
    private readonly limits: AbuseLimits,
  ) {
    this.pairFailures = store.limiter('login_fail_pair', UNCOUNTED, DAY_SECONDS);
    this.pairWait = store.limiter('login_wait_pair', 1, 1);
    this.accountFailures = store.limiter('login_fail_account', UNCOUNTED, DAY_SECONDS);
    this.accountWait = store.limiter('login_wait_account', 1, 1);
    this.addressFailures = store.limiter('login_fail_address', limits.loginAddressFailuresPerHour, HOUR_SECONDS);
  }

  private keys(ip: string | null, email: string) {
    const account = createHash('sha256').update(email).digest('base64url');
    const address = ip ?? 'unknown';
    return { account, address, pair: `${address}|${account}` };
  }

  /** Refuses (RATE_LIMITED) an attempt that must still wait; call before checking the password. */
  async check(ip: string | null, email: string): Promise<void> {
    const k = this.keys(ip, email);
    const [pair, account, address] = await Promise.all([
      this.pairWait.get(k.pair),
      this.accountWait.get(k.account),
      this.addressFailures.get(k.address),
    ]);
    const waits = [
      waiting(pair, this.pairWait.points),
      waiting(account, this.accountWait.points),
      address && address.consumedPoints >= this.addressFailures.points ? address.msBeforeNext : 0,
    ];
    const wait = Math.max(...waits);
    if (wait > 0) throw rateLimited('Too many failed sign-in attempts', wait);
  }

  /** Counts a failed attempt and starts the waits it earns. */
  async failed(ip: string | null, email: string): Promise<void> {
    const k = this.keys(ip, email);
    const [pair, account] = await Promise.all([
      this.pairFailures.penalty(k.pair, 1),
      this.accountFailures.penalty(k.account, 1),
      this.addressFailures.penalty(k.address, 1),
    ]);
    await Promise.all([
      this.startWait(this.pairWait, k.pair, pair.consumedPoints, this.limits.loginAddressAccountFreeFailures),
      this.startWait(this.accountWait, k.account, account.consumedPoints, this.limits.loginAccountFreeFailures),
    ]);
  }

  /** The right password: the account's and this pair's failures are forgiven. */
  async succeeded(ip: string | null, email: string): Promise<void> {
    const k = this.keys(ip, email);
    await Promise.all([
      this.pairFailures.delete(k.pair),
      this.pairWait.delete(k.pair),
      this.accountFailures.delete(k.account),
      this.accountWait.delete(k.account),
    ]);
  }

  private async startWait(limiter: RateLimiterPostgres, key: string, failures: number, free: number) {
    if (failures < free) return;
    const seconds = Math.min(this.limits.loginDelayMaxSeconds, this.limits.loginDelayBaseSeconds * 2 ** Math.min(failures - free, 30));
    await limiter.block(key, seconds);
  }
}

/** Milliseconds a blocked key still waits (a block consumes more points than the limiter has). */
const waiting = (res: RateLimiterRes | null, points: number) => (res && res.consumedPoints > points ? res.msBeforeNext : 0);
