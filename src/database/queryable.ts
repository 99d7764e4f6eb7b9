/** Anything that runs SQL: the Database (autocommit) or a Tx. */
export interface Queryable {
  query<T>(sql: string, params?: unknown[]): Promise<T[]>;
}
