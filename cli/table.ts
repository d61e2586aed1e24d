/**
 * Lays out rows as aligned columns for a terminal: each cell padded to its column's widest, two spaces between
 * columns, no trailing spaces.
 */
export const table = (rows: string[][]): string[] => {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length))) ?? [];
  return rows.map((row) =>
    row
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd(),
  );
};
