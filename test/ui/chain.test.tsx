import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readRecord } from '../../src/ingest/read.js';
import { loadFolder } from '../../src/ingest/scanFolder.js';
import { EventStore } from '../../src/store/eventStore.js';
import { App } from '../../src/ui/App.js';
import { recordsJson, tempFolder } from '../support/files.js';
import { KEYS, renderApp, type Harness } from './harness.js';

const PLAIN = { NO_COLOR: '1' };
let open: Harness[] = [];
afterEach(() => {
  for (const h of open) h.cleanup();
  open = [];
});

const FILE = '../shared/datasets/stratus-red-team/aws.credential-access.ec2-get-password-data.json';
const selected = (f: string) => f.split('\n').find((l) => l.startsWith(' ›')) ?? '';

describe('details: who is behind this session', () => {
  it('shows the chain to the IAM user; its links are selectable and = lists what that key did', async () => {
    const store = new EventStore(0);
    await loadFolder(FILE, store);
    const h = renderApp(<App store={store} folder={FILE} watching={false} env={PLAIN} readRecord={(ref) => readRecord(ref)} initialQuery="id:f1e17321-830c-4761-854c-158258e915b6" />, 130, 60);
    open.push(h);
    await h.waitFor((f) => f.includes('GetPasswordData'));
    let frame = await h.press(KEYS.enter, (f) => f.includes('Started by arn:aws:iam::457448411975:user/christophe'));
    expect(frame).toContain('Who is behind this session');
    expect(frame).toContain('2 AssumeRole');
    for (let i = 0; i < 40 && !selected(h.frame()).includes('2 AssumeRole'); i++) await h.press(KEYS.tab);
    expect(selected(h.frame())).toContain('key AKIAWOGXN38MFN92ING5');
    // Enter opens the AssumeRole event itself; Esc and Enter bring back the first event's details.
    frame = await h.press(KEYS.enter, (f) => f.includes('fd179e25-9f1a-406c-8d7d-62f9d4938ef6'));
    expect(frame).toMatch(/Event name +AssumeRole/);
    await h.press(KEYS.escape, (f) => !f.includes('Event details'));
    await h.press(KEYS.enter, (f) => f.includes('Started by arn:aws:iam::457448411975:user/christophe'));
    for (let i = 0; i < 40 && !selected(h.frame()).includes('2 AssumeRole'); i++) await h.press(KEYS.tab);
    frame = await h.press('=', (f) => f.includes('Filtered by key:AKIAWOGXN38MFN92ING5') && !f.includes('GetPasswordData'));
    // What christophe's long-term key did in this detonation: the AssumeRole calls.
    expect(frame).toMatch(/4 of 34 events/);
    expect(frame.split('\n').filter((l) => l.includes('AssumeRole')).length).toBe(4);
  });
});

describe('details: following a chain link is a step [ comes back from', () => {
  it('[ after Enter on a link returns to the event and the link it was left from; ] goes to the issuing event again', async () => {
    const store = new EventStore(0);
    await loadFolder(FILE, store);
    const h = renderApp(<App store={store} folder={FILE} watching={false} env={PLAIN} readRecord={(ref) => readRecord(ref)} initialQuery="name:GetPasswordData" />, 130, 60);
    open.push(h);
    await h.waitFor((f) => f.includes('GetPasswordData'));
    // An earlier query on the stack, so that `[` going to it (the old behaviour) would show.
    await h.press('/' + '\u0015' + 'id:f1e17321-830c-4761-854c-158258e915b6' + KEYS.enter, (f) => f.includes('1 of 34'));
    await h.press(KEYS.enter, (f) => f.includes('Started by arn:aws:iam::457448411975:user/christophe'));
    for (let i = 0; i < 40 && !selected(h.frame()).includes('2 AssumeRole'); i++) await h.press(KEYS.tab);
    await h.press(KEYS.enter, (f) => f.includes('fd179e25-9f1a-406c-8d7d-62f9d4938ef6'));
    let frame = await h.press('[', (f) => f.includes('f1e17321-830c-4761-854c-158258e915b6') && f.includes('Who is behind this session'));
    expect(frame).toMatch(/Event name +GetPasswordData/);
    expect(frame).toContain('id:f1e17321-830c-4761-854c-158258e915b6');
    expect(selected(frame)).toContain('2 AssumeRole');
    frame = await h.press(']', (f) => f.includes('fd179e25-9f1a-406c-8d7d-62f9d4938ef6'));
    expect(frame).toMatch(/Event name +AssumeRole/);
    // Back twice: the chain step, then the query before.
    await h.press('[', (f) => /Event name +GetPasswordData/.test(f));
    frame = await h.press('[', (f) => !f.includes('id:f1e17321'));
    expect(frame).toContain('name:GetPasswordData');
  });
});

describe('details: a chain whose issuing event arrives later', () => {
  it('is looked for again as events arrive: "not in these logs" gives way to the GetFederationToken that issued the key', async () => {
    // The detonation's two events, in two files: the call made with the federated key, then the call that issued it.
    const records = JSON.parse(readFileSync('../shared/datasets/stratus-red-team/aws.persistence.sts-federation-token.json', 'utf8')) as Array<{ eventName: string }>;
    const scratch = tempFolder('trailtop-chain-later-');
    try {
      const use = join(scratch.dir, 'use.json');
      const issue = join(scratch.dir, 'issue.json');
      writeFileSync(use, recordsJson(records.filter((r) => r.eventName !== 'GetFederationToken')));
      writeFileSync(issue, recordsJson(records.filter((r) => r.eventName === 'GetFederationToken')));
      const store = new EventStore(0);
      await loadFolder(use, store);
      const h = renderApp(<App store={store} folder={scratch.dir} watching={false} env={PLAIN} readRecord={(ref) => readRecord(ref)} />, 130, 60);
      open.push(h);
      await h.waitFor((f) => f.includes('GetCallerIdentity'));
      let frame = await h.press(KEYS.enter, (f) => f.includes('Chain ends at an issuing event that is not in these logs'));
      expect(frame).toContain('2 missing');
      await loadFolder(issue, store);
      frame = await h.waitFor((f) => f.includes('Started by arn:aws:iam::742491224508:user/stratus-red-team-user-federation-user'), 5_000);
      expect(frame).toContain('2 GetFederation');
      expect(frame).not.toContain('not in these logs');
    } finally {
      scratch.remove();
    }
  });
});
