/**
 * RFC 4180 CSV. Cells that a spreadsheet would run as a formula (=, +, -, @ at the start of a
 * text cell) are prefixed with an apostrophe; numbers stay numbers (libs/core csvField).
 */
import { csvField } from '../../core/src/csv.js';

export type CsvCell = string | number | boolean | null | undefined;

export function toCsv(columns: readonly string[], rows: readonly (readonly CsvCell[])[]): string {
  return [columns.map(csvField).join(','), ...rows.map((r) => r.map(csvField).join(','))].join('\r\n') + '\r\n';
}
