/** RFC 4180 CSV: a header line, CRLF line ends, fields as libs/core csvField writes them (formulas neutralised). */
import { csvField } from '../../core/src/csv.js';

export function toCsv(columns: readonly string[], rows: readonly Record<string, unknown>[]): string {
  const lines = [columns.map(csvField).join(',')];
  for (const row of rows) lines.push(columns.map((c) => csvField(row[c])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
