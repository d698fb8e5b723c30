import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { onTestFinished } from 'vitest';

/**
 * A fresh temporary folder per call, removed when the calling test ends. onTestFinished, not
 * afterEach: an afterEach registered inside a running test never ran for that test, so every
 * test's last folder was left in the temporary directory.
 */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'trailtop-ingest-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export function write(dir: string, name: string, content: string | Uint8Array): string {
  const path = join(dir, name);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
  return path;
}

export function event(id: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    eventVersion: '1.08',
    userIdentity: { type: 'IAMUser', userName: 'alice', arn: 'arn:aws:iam::111122223333:user/alice', accountId: '111122223333' },
    eventTime: '2024-03-05T14:21:00Z',
    eventSource: 'ec2.amazonaws.com',
    eventName: 'RunInstances',
    awsRegion: 'us-east-1',
    sourceIPAddress: '192.0.2.1',
    eventID: id,
    eventType: 'AwsApiCall',
    ...extra,
  };
}
