/** A size for people, in binary units: `812 B`, `1.5 KiB`, `1 GiB`, `300 MiB` (one wording for every message). */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  // A whole number needs no `.0` (a cap of 1 GiB says so).
  const text = value < 10 ? value.toFixed(1).replace(/\.0$/, '') : value.toFixed(0);
  return `${text} ${units[unit]}`;
}
