/**
 * Independent steps of one transaction, sent together: postgres.js pipelines the statements issued in one tick
 * on a transaction's connection, so they cost one round trip instead of one each (and PostgreSQL still runs
 * them in the order issued). They settle as if run one after another: the first step, in the order given,
 * that failed is the error reported, whichever answer came back first.
 */
export async function together<T extends readonly unknown[]>(...steps: { [K in keyof T]: PromiseLike<T[K]> }): Promise<T> {
  const settled = await Promise.allSettled(steps);
  const failed = settled.find((outcome) => outcome.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((outcome) => (outcome as PromiseFulfilledResult<unknown>).value) as unknown as T;
}
