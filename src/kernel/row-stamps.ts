/** Columns every versioned table row carries: when it was made and changed, and its optimistic-concurrency version. */
export interface RowStamps {
  createdAt: Date;
  updatedAt: Date;
  version: number;
}
