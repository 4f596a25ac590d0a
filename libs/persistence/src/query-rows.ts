/**
 * TypeORM's `query` answers UPDATE and DELETE statements with `[rows, rowCount]` and every other
 * command with the rows: an `UPDATE … RETURNING` read as rows would silently be that pair (the
 * cause of the lost late repeats fixed in session 17). Every raw query whose rows are read goes
 * through this.
 */
export function rowsOf<T>(result: unknown): T[] {
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[0] as T[];
  return Array.isArray(result) ? (result as T[]) : [];
}
