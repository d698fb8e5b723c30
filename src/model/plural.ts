/** `1 event`, `2 events`, `1,024 events`: a count with its noun, for messages people read. */
export function counted(n: number, singular: string, plural = `${singular}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? singular : plural}`;
}
