/** A Sigma rule file around a detection block (written as under `detection:`), for the engine tests. */
export function ruleText(detection: string): string {
  return `title: T
id: r1
logsource:
  product: aws
  service: cloudtrail
detection:
${detection
  .trim()
  .split('\n')
  .map((l) => `  ${l}`)
  .join('\n')}
`;
}
