/**
 * Issue 19's 80x24 and 200x60 look in a real terminal, on the stratus-red-team
 * data set: readable column titles and the hidden columns named (+Error +4), the
 * folder's name in the header, the footer's most useful keys and `? more`,
 * an uncut detail title; at 200x60 whole IPv4 addresses.
 * Needs a build (npm test builds first) and tmux (CI installs it).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasTmux, requireTmuxInCi, tmuxServer, trailtopCommand } from '../support/tmux.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dataset = path.resolve(repo, '../shared/datasets/stratus-red-team');
requireTmuxInCi('the 80x24 look');

const server = tmuxServer('narrow');
const session = 'narrow';

describe.skipIf(!hasTmux || !existsSync(dataset))('80x24 and 200x60 under tmux', () => {
  beforeAll(() => {
    if (!existsSync(path.join(repo, 'dist/cli.js'))) throw new Error('build first: npx tsc -p tsconfig.json');
    server.start(session, 80, 24, trailtopCommand(repo, ['--no-watch', dataset], 'TZ=UTC'));
  });
  afterAll(() => server.kill());

  it('reads whole at 80x24 and shows whole addresses at 200x60', async () => {
    const wait = (until: (t: string) => boolean, what: string) => server.waitFor(session, until, what, { timeoutMs: 30_000, failOnExit: true });
    let text = await wait((t) => t.includes('not watching') && t.includes('GetCallerIdentity'), 'the loaded list');
    const lines = text.split('\n');
    // The folder's name ends the header, cut from the left when the findings' counts take the room
    // (at 80 columns, '⚑ 6 high 11 med 2 low (!)' leaves '…ratus-red-team').
    expect(lines[0]).toMatch(/(?:stratus|…\S+)-red-team\s*$/);
    const titles = lines.find((l) => l.includes('Event time'))!;
    expect(titles).not.toContain('…');
    // The newest events have no error: their blank Error column gives way to the names, named first (+Error +4).
    expect(titles).toMatch(/\+Error \+\d+\s*$/);
    const footer = lines.filter((l) => l.trim() !== '').at(-1)!;
    for (const hint of ['Enter details', '/ query', 'i Insights', 'd download', '? more']) expect(footer).toContain(hint);

    server.keys(session, 'Enter');
    text = await wait((t) => t.includes('Event details'), 'the details');
    expect(text.split('\n').find((l) => l.includes('Event details'))).not.toContain('…');

    server.keys(session, 'Escape');
    await wait((t) => !t.includes('Event details') && t.includes('Event time'), 'the list again');
    server.run('resize-window', '-t', session, '-x', '200', '-y', '60');
    text = await wait((t) => /Event time .* Source IP/.test(t) && t.includes('035.249.253.232'), 'the list at 200x60');
    expect(text).toMatch(/255\.090\.254\.5\s/);
    expect(text).toContain('035.249.253.232');
  });
});
