/**
 * A rules folder that holds a .yml that is no regular file (a FIFO, a link to a device, a dangling
 * link): each is listed as not run with why, never read (a FIFO's read blocks for good, /dev/zero's
 * never ends), and the folder's other rules load. They were dropped in silence.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadRuleSet } from '../../src/detect/loadRules.js';

const RULE = `title: Bucket policy deleted
id: 0c4a9b7e-8e2f-4d7a-9b55-3a1f2c3d4e5f
logsource:
  product: aws
  service: cloudtrail
detection:
  selection:
    eventName: DeleteBucketPolicy
  condition: selection
level: medium
`;

describe('rules folder: .yml names that are not regular files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'trailtop-rules-odd-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('lists each as not run and loads the rest', () => {
    writeFileSync(join(dir, 'a-good.yml'), RULE);
    execFileSync('mkfifo', [join(dir, 'b-fifo.yml')]);
    symlinkSync('/dev/zero', join(dir, 'c-zero.yml'));
    symlinkSync(join(dir, 'nowhere.yml'), join(dir, 'd-dangling.yml'));
    writeFileSync(join(dir, 'notes.txt'), 'not a rule');
    const set = loadRuleSet([dir], { builtin: false });
    expect(set.rules.map((rule) => rule.title)).toEqual(['Bucket policy deleted']);
    expect(set.skipped.map((s) => [s.path, s.reason.replace(/:.*/, '')])).toEqual([
      [join(dir, 'b-fifo.yml'), 'not a regular file'],
      [join(dir, 'c-zero.yml'), 'not a regular file'],
      [join(dir, 'd-dangling.yml'), 'cannot read'],
    ]);
  });
});
