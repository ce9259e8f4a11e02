import type { TransactionSql } from './pool.js';

/** One request's PHI access: its row in phi_access_log. */
export interface AccessRow {
  organizationId: string;
  userId: string | null;
  requestId: string;
  patientIds: string[];
  operationName: string | null;
}

/** Inserts access rows of one organization (the transaction's tenant scope) in one statement. */
export async function insertAccessRows(tx: TransactionSql, organizationId: string, rows: readonly AccessRow[]): Promise<void> {
  const records = JSON.stringify(
    rows.map((r) => ({ user_id: r.userId, request_id: r.requestId, patient_ids: r.patientIds, operation_name: r.operationName })),
  );
  await tx`
    insert into phi_access_log (organization_id, user_id, request_id, patient_ids, operation_name)
    select ${organizationId}::uuid, r.user_id, r.request_id, r.patient_ids, r.operation_name
    from json_to_recordset(${records}::text::json) as r(user_id uuid, request_id text, patient_ids uuid[], operation_name text)
  `;
}

/**
 * How an ending request takes part in logging its access (see AccessLogBatches):
 * - `carrier`: insert `rows` (its own and any that queued) in its read transaction before COMMIT,
 *   then `settle` with whether that committed; `rows` settles once the flight before it landed.
 * - `passenger`: its row rides with a carrier; commit the read transaction without an insert and
 *   await `recorded` (false: the carrier's transaction failed, so record the row alone).
 */
export type AccessTurn =
  | { kind: 'carrier'; rows: Promise<readonly AccessRow[]>; settle(recorded: boolean): void }
  | { kind: 'passenger'; recorded: Promise<boolean> };

/** Rows waiting for the carrier that boards when the flight in the air lands. */
interface Boarding {
  rows: AccessRow[];
  passengers: ((recorded: boolean) => void)[];
  depart(): void;
}

/** An organization with a carrier in flight, and the one boarding behind it. */
interface Flight {
  boarding: Boarding | undefined;
}

/**
 * Group commit for the PHI access log, per process. A request that read patients must have its
 * access row committed before its answer leaves; one insert per request made every read a write
 * transaction, about half of PostgreSQL's CPU per patient page in the bench. Per organization, at
 * most one read transaction carrying access rows is in flight. A request that ends while none is
 * inserts its own row, as before. One that ends during a flight becomes the next carrier (its read
 * transaction stays open until the flight lands, then inserts every row that boarded meanwhile);
 * later ones board that carrier, commit read-only and wait for its outcome. Grouping is per
 * organization because the carrier's transaction is scoped to its tenant: row-level security
 * checks every row it inserts. Rows are never dropped: a failed carrier makes each of its
 * passengers record its row alone, and withhold its data if that fails too.
 */
export class AccessLogBatches {
  private readonly flights = new Map<string, Flight>();

  /** `onCarried` learns how many rows each carrier inserts (the metric phi_access_log_rows_per_insert). */
  constructor(private readonly onCarried: (rows: number) => void = () => undefined) {}

  join(row: AccessRow): AccessTurn {
    const organizationId = row.organizationId;
    const flight = this.flights.get(organizationId);
    if (!flight) {
      const own: Flight = { boarding: undefined };
      this.flights.set(organizationId, own);
      this.onCarried(1);
      return this.carrier(organizationId, own, Promise.resolve([row]), []);
    }
    const boarding = flight.boarding;
    if (boarding) {
      boarding.rows.push(row);
      return { kind: 'passenger', recorded: new Promise((resolve) => boarding.passengers.push(resolve)) };
    }
    let depart!: () => void;
    const departed = new Promise<void>((resolve) => (depart = resolve));
    const next: Boarding = { rows: [row], passengers: [], depart };
    flight.boarding = next;
    return this.carrier(
      organizationId,
      flight,
      departed.then(() => (this.onCarried(next.rows.length), next.rows)),
      next.passengers,
    );
  }

  /** Rows of this organization waiting for the next carrier to fly (observable state for tests). */
  boarded(organizationId: string): number {
    return this.flights.get(organizationId)?.boarding?.rows.length ?? 0;
  }

  private carrier(organizationId: string, flight: Flight, rows: Promise<readonly AccessRow[]>, passengers: ((recorded: boolean) => void)[]): AccessTurn {
    let settled = false;
    return {
      kind: 'carrier',
      rows,
      settle: (recorded) => {
        if (settled) return;
        settled = true;
        for (const passenger of passengers) passenger(recorded);
        const next = flight.boarding;
        if (next) {
          // The boarded carrier flies now; rows arriving from here on board the one after it.
          flight.boarding = undefined;
          next.depart();
        } else {
          this.flights.delete(organizationId);
        }
      },
    };
  }
}
