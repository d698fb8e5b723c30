import { describe, it, expect } from 'vitest';
import { osc52Copy, describeCopy } from '../../src/term/osc52.js';
import { hyperlink, supportsHyperlinks, isSafeHyperlinkUrl } from '../../src/term/osc8.js';
import { colorEnabled, themeFor } from '../../src/term/color.js';

const ESC = '\x1b';

function decodeOsc52(sequence: string): string {
  const m = /\]52;c;([A-Za-z0-9+/=]*)\x07/.exec(sequence);
  if (!m) throw new Error(`no OSC 52 payload in ${JSON.stringify(sequence)}`);
  return Buffer.from(m[1]!, 'base64').toString('utf8');
}

describe('osc52Copy', () => {
  it('builds a plain OSC 52 sequence that decodes to the text', () => {
    const r = osc52Copy('héllo 東京', { env: { TERM: 'xterm-256color' } });
    if (!r.ok) throw new Error('expected ok');
    expect(r.wrapping).toBe('none');
    expect(r.sequence.startsWith(`${ESC}]52;c;`)).toBe(true);
    expect(r.sequence.endsWith('\x07')).toBe(true);
    expect(decodeOsc52(r.sequence)).toBe('héllo 東京');
    expect(r.bytes).toBe(Buffer.byteLength('héllo 東京'));
  });

  it('under tmux sends it plain (for set-clipboard on) and wrapped with doubled ESCs (for allow-passthrough on)', () => {
    const r = osc52Copy('abc', { env: { TMUX: '/tmp/tmux-1/default,1,0', TERM: 'screen-256color' } });
    if (!r.ok) throw new Error('expected ok');
    expect(r.wrapping).toBe('tmux');
    expect(r.sequence).toBe(`${ESC}]52;c;YWJj\x07${ESC}Ptmux;${ESC}${ESC}]52;c;YWJj\x07${ESC}\\`);
  });

  it('wraps for screen in DCS chunks', () => {
    const text = 'x'.repeat(300);
    const r = osc52Copy(text, { env: { TERM: 'screen' } });
    if (!r.ok) throw new Error('expected ok');
    expect(r.wrapping).toBe('screen');
    const chunks = r.sequence.split(`${ESC}\\`).filter((c) => c !== '');
    expect(chunks.length).toBeGreaterThan(1);
    const inner = chunks.map((c) => {
      expect(c.startsWith(`${ESC}P`)).toBe(true);
      return c.slice(2);
    }).join('');
    expect(decodeOsc52(inner)).toBe(text);
  });

  it('refuses text past the cap', () => {
    const r = osc52Copy('a'.repeat(80_000), { env: {} });
    expect(r).toEqual({ ok: false, reason: 'too big', bytes: 80_000, limit: 100_000 });
    expect(describeCopy(r, 'event JSON')).toMatch(/too big/);
    const small = osc52Copy('a'.repeat(74_000), { env: {} });
    expect(small.ok).toBe(true);
    expect(describeCopy(small, 'link')).toBe('Copied link (72 KiB)');
    // The limit in the same units as every size trailtop prints (it said KB here, KiB elsewhere).
    expect(describeCopy(r, 'event JSON')).toBe('Not copied: event JSON is too big for the terminal clipboard (78 KiB, limit about 73 KiB)');
  });
});

describe('hyperlink', () => {
  const url = 'https://us-east-1.console.aws.amazon.com/ec2/home?region=us-east-1#InstanceDetails:instanceId=i-1';
  it('wraps in OSC 8 when supported, plain text otherwise', () => {
    expect(hyperlink(url, 'i-1', true)).toBe(`${ESC}]8;;${url}${ESC}\\i-1${ESC}]8;;${ESC}\\`);
    expect(hyperlink(url, 'i-1', false)).toBe('i-1');
  });
  it('refuses URLs that could break out of the sequence and sanitises the text', () => {
    expect(isSafeHyperlinkUrl(`https://x/${ESC}]52;c;AA\x07`)).toBe(false);
    expect(isSafeHyperlinkUrl('https://x/a b')).toBe(false);
    expect(isSafeHyperlinkUrl('javascript:alert(1)')).toBe(false);
    expect(hyperlink(`https://x/\x07`, 'ok', true)).toBe('ok');
    expect(hyperlink(url, `a${ESC}[2J`, true)).toContain('a\\x1b[2J');
  });
  it('detects terminals conservatively', () => {
    expect(supportsHyperlinks({ TERM_PROGRAM: 'iTerm.app', TERM_PROGRAM_VERSION: '3.4.19' })).toBe(true);
    expect(supportsHyperlinks({ TERM_PROGRAM: 'iTerm.app', TERM_PROGRAM_VERSION: '2.9' })).toBe(false);
    expect(supportsHyperlinks({ TERM_PROGRAM: 'WezTerm' })).toBe(true);
    expect(supportsHyperlinks({ TERM: 'xterm-kitty' })).toBe(true);
    expect(supportsHyperlinks({ VTE_VERSION: '5000' })).toBe(true);
    expect(supportsHyperlinks({ VTE_VERSION: '4205' })).toBe(false);
    expect(supportsHyperlinks({ WT_SESSION: 'abc' })).toBe(true);
    expect(supportsHyperlinks({ TERM: 'dumb', WT_SESSION: 'abc' })).toBe(false);
    expect(supportsHyperlinks({ TERM: 'xterm-256color' })).toBe(false);
    expect(supportsHyperlinks({ TMUX: '1', TERM_PROGRAM: 'WezTerm' })).toBe(false);
    expect(supportsHyperlinks({ FORCE_HYPERLINK: '1', TERM: 'xterm' })).toBe(true);
    expect(supportsHyperlinks({ FORCE_HYPERLINK: '0', TERM_PROGRAM: 'WezTerm' })).toBe(false);
  });
});

describe('colorEnabled', () => {
  it('honours NO_COLOR, FORCE_COLOR and TERM=dumb', () => {
    expect(colorEnabled({})).toBe(true);
    expect(colorEnabled({ NO_COLOR: '1' })).toBe(false);
    expect(colorEnabled({ NO_COLOR: '' })).toBe(true);
    expect(colorEnabled({ TERM: 'dumb' })).toBe(false);
    expect(colorEnabled({ NO_COLOR: '1', FORCE_COLOR: '1' })).toBe(true);
    expect(colorEnabled({ FORCE_COLOR: '0' })).toBe(false);
    expect(colorEnabled({}, { isTTY: false })).toBe(false);
    expect(colorEnabled({ FORCE_COLOR: '' }, { isTTY: false })).toBe(true);
  });
  it('gives a plain theme without colours but with markers', () => {
    const plain = themeFor(false);
    expect(plain.error).toBeUndefined();
    expect(plain.selection.inverse).toBe(true);
    expect(plain.markers.error).not.toBe(plain.markers.none);
    expect(themeFor(true).error).toBe('red');
  });
});
