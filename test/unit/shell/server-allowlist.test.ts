// The connect-src allow-list: CSP lists only allowed signaling origins, and a new origin needs the user's yes in main.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildCsp } from '../../../main/shell/csp';
import { connectSourcesFor, ServerAllowList, signalingOrigin } from '../../../main/shell/server-allowlist';

describe('signalingOrigin', () => {
  it.each([
    ['http://127.0.0.1:8443', 'http://127.0.0.1:8443'],
    ['https://Signal.Example.org/path?q=1', 'https://signal.example.org'],
    ['wss://signal.example.org:444/socket.io', 'https://signal.example.org:444'],
    ['ws://10.0.0.2:8443', 'http://10.0.0.2:8443']
  ])('normalises %s to %s', (url, origin) => expect(signalingOrigin(url)).toBe(origin));
  it.each(['javascript:alert(1)', 'file:///etc/passwd', 'https://user:pw@example.org', 'ftp://x.example', 'not a url', 'veil://app'])(
    'refuses %s', (url) => expect(signalingOrigin(url)).toBeNull());
  it('gives both the http(s) and ws(s) form of an origin (socket.io uses both)', () => {
    expect(connectSourcesFor(['http://127.0.0.1:8443'])).toEqual(['http://127.0.0.1:8443', 'ws://127.0.0.1:8443']);
  });
});

describe('ServerAllowList', () => {
  let dir: string;
  let file: string;
  beforeEach(async () => { dir = await mkdtemp(path.join(os.tmpdir(), 'veil-allow-')); file = path.join(dir, 'allowed-servers.json'); });
  afterEach(async () => { await rm(dir, { recursive: true, force: true }); });

  it('asks the user about a new origin, showing it, and adds it only after a yes', async () => {
    const asked: string[] = [];
    const list = await ServerAllowList.load({ file, confirm: async (o) => { asked.push(o); return true; } });
    const result = await list.allow('wss://signal.example.org/socket.io');
    expect(asked).toEqual(['https://signal.example.org']);
    expect(result).toEqual({ origin: 'https://signal.example.org', reloadRequired: true });
    expect(list.connectSources()).toEqual(['https://signal.example.org', 'wss://signal.example.org']);
  });
  it('does not add an origin the user refused, and says so with a typed error', async () => {
    const list = await ServerAllowList.load({ file, confirm: async () => false });
    await expect(list.allow('https://exfil.example')).rejects.toMatchObject({ code: 'denied' });
    expect(list.origins()).toEqual([]);
    expect(buildCsp({ connectSources: list.connectSources() })).not.toContain('exfil.example');
  });
  it('denies by default when no confirmation function is given', async () => {
    const list = await ServerAllowList.load({ file });
    await expect(list.allow('https://exfil.example')).rejects.toMatchObject({ code: 'denied' });
    expect(list.origins()).toEqual([]);
  });
  it('refuses a malformed address without asking', async () => {
    let asked = 0;
    const list = await ServerAllowList.load({ file, confirm: async () => { asked++; return true; } });
    await expect(list.allow('javascript:alert(1)')).rejects.toMatchObject({ code: 'bad-arguments' });
    expect(asked).toBe(0);
  });
  it('does not ask again for a known origin, and needs no reload once the page was served with it', async () => {
    let asked = 0;
    const list = await ServerAllowList.load({ file, confirm: async () => { asked++; return true; } });
    await list.allow('https://signal.example.org');
    list.markServed();
    expect(await list.allow('wss://signal.example.org')).toEqual({ origin: 'https://signal.example.org', reloadRequired: false });
    expect(asked).toBe(1);
  });
  it('persists the list and reloads it', async () => {
    const a = await ServerAllowList.load({ file, confirm: async () => true });
    await a.allow('https://signal.example.org');
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ version: 1, origins: ['https://signal.example.org'] });
    const b = await ServerAllowList.load({ file });
    expect(b.origins()).toEqual(['https://signal.example.org']);
  });
  it('ignores a tampered file entry that is not a plain origin', async () => {
    await writeFile(file, JSON.stringify({ version: 1, origins: ['https://ok.example', 'https:', "https://x.example 'unsafe-eval'"] }));
    const list = await ServerAllowList.load({ file });
    expect(list.origins()).toEqual(['https://ok.example']);
  });
  it('shows one confirmation at a time: a second new origin while one is open is denied', async () => {
    let release!: (v: boolean) => void;
    const list = await ServerAllowList.load({ file, confirm: () => new Promise<boolean>((r) => { release = r; }) });
    const first = list.allow('https://one.example');
    await expect(list.allow('https://two.example')).rejects.toMatchObject({ code: 'denied' });
    release(true);
    await expect(first).resolves.toMatchObject({ origin: 'https://one.example' });
    expect(list.origins()).toEqual(['https://one.example']);
  });
  it('tells listeners when the list changes (main rewrites the CSP header)', async () => {
    const list = await ServerAllowList.load({ file, confirm: async () => true });
    const seen: string[][] = [];
    list.onChange(() => seen.push(list.origins()));
    await list.allow('https://signal.example.org');
    expect(seen).toEqual([['https://signal.example.org']]);
  });

  describe('media servers a signaling server names (allowSfu)', () => {
    it('adds a media server on the allowed server\'s own host without asking, and it needs a reload once', async () => {
      let asked = 0;
      const list = await ServerAllowList.load({ file, confirm: async () => { asked++; return true; } });
      await list.allow('https://signal.example.org');
      asked = 0;
      list.markServed();
      expect(await list.allowSfu('wss://signal.example.org', 'wss://signal.example.org:8989/janus'))
        .toEqual({ origin: 'https://signal.example.org:8989', reloadRequired: true });
      expect(asked).toBe(0);
      expect(buildCsp({ connectSources: list.connectSources() })).toContain('wss://signal.example.org:8989');
      list.markServed();
      expect(await list.allowSfu('https://signal.example.org', 'wss://signal.example.org:8989')).toMatchObject({ reloadRequired: false });
    });
    it('asks the user about a media server on another host, and refuses it on a no', async () => {
      const asked: string[] = [];
      let answer = true;
      const list = await ServerAllowList.load({ file, confirm: async (o) => { asked.push(o); return answer; } });
      await list.allow('https://signal.example.org');
      answer = false;
      await expect(list.allowSfu('https://signal.example.org', 'wss://exfil.example/janus')).rejects.toMatchObject({ code: 'denied' });
      expect(asked.at(-1)).toBe('https://exfil.example');
      expect(list.origins()).toEqual(['https://signal.example.org']);
      answer = true;
      await expect(list.allowSfu('https://signal.example.org', 'wss://sfu.example.net')).resolves.toMatchObject({ origin: 'https://sfu.example.net' });
    });
    it('refuses, adding nothing, for a signaling server that is not allowed (a page script naming any pair)', async () => {
      let asked = 0;
      const list = await ServerAllowList.load({ file, confirm: async () => { asked++; return true; } });
      await expect(list.allowSfu('https://exfil.example', 'wss://exfil.example:8188')).rejects.toMatchObject({ code: 'denied' });
      expect(asked).toBe(0);
      expect(list.origins()).toEqual([]);
    });
    it.each([['javascript:alert(1)', 'wss://signal.example.org:8188'], ['https://signal.example.org', 'wss://u:p@signal.example.org:8188'],
      ['https://signal.example.org', 'file:///etc/passwd'], ['https://signal.example.org', "wss://signal.example.org 'unsafe-eval'"]])(
      'refuses malformed addresses (%s, %s) with a typed error', async (server, sfu) => {
        const list = await ServerAllowList.load({ file, confirm: async () => true });
        await list.allow('https://signal.example.org');
        await expect(list.allowSfu(server, sfu)).rejects.toMatchObject({ code: 'bad-arguments' });
        expect(list.origins()).toEqual(['https://signal.example.org']);
      });
    it('stays bounded: same-host media servers count against the same 64 origins', async () => {
      const list = await ServerAllowList.load({ file, confirm: async () => true });
      await list.allow('https://signal.example.org');
      for (let port = 1; port < 64; port++) await list.allowSfu('https://signal.example.org', `wss://signal.example.org:${port}`);
      await expect(list.allowSfu('https://signal.example.org', 'wss://signal.example.org:9999')).rejects.toMatchObject({ code: 'too-large' });
      expect(list.origins()).toHaveLength(64);
    });
  });
});
