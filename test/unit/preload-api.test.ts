// Unit tests for the preload bridge: window.veil holds exactly the contract's channels, and the bundle exposes nothing else.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { IPC_CHANNELS, IPC_CONTRACT } from '../../protocol/ipc';
import { IPC_CHANNEL_NAMES } from '../../protocol/ipc-channels';
import { buildVeilApi } from '../../preload/api';

const root = path.resolve(__dirname, '../..');

describe('buildVeilApi', () => {
  it('maps every contract channel to veil.<domain>.<verb>, and nothing more', () => {
    const calls: unknown[][] = [];
    const api = buildVeilApi(async (channel, ...args) => { calls.push([channel, ...args]); return { ok: true, value: null }; }) as unknown as
      Record<string, Record<string, (...a: unknown[]) => Promise<unknown>>>;
    const exposed = Object.entries(api).flatMap(([d, verbs]) => Object.keys(verbs).map((v) => `${d}:${v}`)).sort();
    expect(exposed).toEqual([...IPC_CHANNELS].sort());
    void api.app!.info!();
    void api.keys!.get!('room-1');
    expect(calls).toEqual([['app:info'], ['keys:get', 'room-1']]);
  });
  it('is frozen, so the page cannot add or replace channels', () => {
    const api = buildVeilApi(async () => null) as unknown as Record<string, Record<string, unknown>>;
    expect(Object.isFrozen(api)).toBe(true);
    expect(Object.isFrozen(api.app)).toBe(true);
  });
  it('files.dropped takes the File object and asks Electron for its path; the page can never pass a path of its own', async () => {
    const calls: unknown[][] = [];
    const picked = { name: 'a.bin' };
    const pageMade = { name: 'b.bin' };
    const api = buildVeilApi(async (channel, ...args) => { calls.push([channel, ...args]); return { ok: true, value: 'prepared' }; },
      ((f: unknown) => { if (f === picked) return '/home/u/a.bin'; if (f === pageMade) return ''; throw new TypeError('not a File'); }) as never);
    expect(await api.files.dropped('room', picked)).toEqual({ ok: true, value: 'prepared' });
    expect(await api.files.dropped('room', pageMade)).toEqual({ ok: true, value: null });
    expect(await api.files.dropped('room', '/etc/shadow' as unknown as object)).toEqual({ ok: true, value: null });
    expect(await api.files.dropped('room', { toString: () => '/etc/shadow' })).toEqual({ ok: true, value: null });
    expect(calls).toEqual([['files:dropped', 'room', '/home/u/a.bin']]);
    // Without Electron (the browser harness) no File has a path: every drop goes as data.
    expect(await buildVeilApi(async () => ({ ok: true, value: 'x' })).files.dropped('room', picked)).toEqual({ ok: true, value: null });
  });
  it('the channel name list equals the contract', () => {
    expect([...IPC_CHANNEL_NAMES].sort()).toEqual(Object.keys(IPC_CONTRACT).sort());
  });
});

describe('preload bundle', () => {
  it('exposes only `veil` through contextBridge and never hands out ipcRenderer', async () => {
    const out = await build({
      entryPoints: [path.join(root, 'preload/index.ts')], bundle: true, write: false, format: 'cjs', platform: 'node', external: ['electron']
    });
    const code = out.outputFiles[0]!.text;
    const exposed: Record<string, unknown> = {};
    const invoked: unknown[][] = [];
    const ipcRenderer = { invoke: async (...a: unknown[]) => { invoked.push(a); return { ok: true, value: 1 }; }, send() {}, on() {} };
    const electron = { contextBridge: { exposeInMainWorld: (k: string, v: unknown) => { exposed[k] = v; } }, ipcRenderer };
    const sandbox = { require: (m: string) => { if (m === 'electron') return electron; throw new Error(`preload required ${m}`); }, module: { exports: {} }, exports: {} };
    vm.runInNewContext(code, sandbox);
    expect(Object.keys(exposed)).toEqual(['veil']);
    const seen = new Set<unknown>();
    const walk = (v: unknown) => {
      if (v === ipcRenderer || v === ipcRenderer.invoke) throw new Error('ipcRenderer leaked');
      if (v && typeof v === 'object' && !seen.has(v)) { seen.add(v); Object.values(v).forEach(walk); }
    };
    walk(exposed.veil);
    const veil = exposed.veil as { app: { info(): Promise<unknown> } };
    await veil.app.info();
    expect(invoked).toEqual([['app:info']]);
    // The bundle is small: no schema library, only channel names.
    expect(code.length).toBeLessThan(8 * 1024);
    expect(readFileSync(path.join(root, 'preload/index.ts'), 'utf8')).not.toMatch(/exposeInMainWorld\([^)]*ipcRenderer\s*\)/);
  });
});
