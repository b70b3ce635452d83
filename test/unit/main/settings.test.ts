// E2EE settings persistence: settings.json written atomically, reloaded after a restart, validated; a bad file never crashes.
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FILE_LIMITS } from '../../../protocol/file-limits';
import { DEFAULT_SETTINGS, SettingsStore, settingsProblem } from '../../../main/e2ee/settings';
import { Clock, expectCode, makePeer, tempDir, type Peer } from './harness';

let peers: Peer[] = [];
afterEach(async () => {
  for (const p of peers) await p.services.dispose();
  peers = [];
});
async function peerAt(dataDir: string, clock = new Clock()) {
  const p = await makePeer('alice', { clock, dataDir });
  peers.push(p);
  return p;
}
const settingsFile = (dir: string) => path.join(dir, 'settings.json');

describe('E2EE settings persistence', () => {
  it('defaults without a file; settings:set writes settings.json atomically (0600, no temp files) and a restart reloads it', async () => {
    const dir = tempDir();
    const a = await peerAt(dir);
    expect(await a.call('settings:get')).toEqual(DEFAULT_SETTINGS);
    expect(existsSync(settingsFile(dir))).toBe(false);
    const set = await a.call('settings:set', { signMessages: false, rotationIntervalMs: 120_000 });
    expect(set).toEqual({ ...DEFAULT_SETTINGS, signMessages: false, rotationIntervalMs: 120_000 });
    expect(JSON.parse(readFileSync(settingsFile(dir), 'utf8'))).toEqual({ v: 1, signMessages: false, rotationIntervalMs: 120_000,
      maxFileBytes: DEFAULT_SETTINGS.maxFileBytes, alwaysRelay: false });
    if (process.platform !== 'win32') expect(statSync(settingsFile(dir)).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    await a.call('settings:set', { rotationIntervalMs: 300_000 });
    await a.services.dispose();
    peers = [];

    const again = await peerAt(dir);
    expect(await again.call('settings:get')).toEqual({ ...DEFAULT_SETTINGS, signMessages: false, rotationIntervalMs: 300_000 });
    expect(again.services.audit.tail(50).some((e) => e.type === 'settings-corrupt')).toBe(false);
  });

  it('a rejected settings:set (out of range) changes neither memory nor the file', async () => {
    const dir = tempDir();
    const a = await peerAt(dir);
    await a.call('settings:set', { signMessages: false });
    await expectCode(a.call('settings:set', { rotationIntervalMs: 5 }), 'bad-arguments');
    expect(await a.call('settings:get')).toEqual({ ...DEFAULT_SETTINGS, signMessages: false });
    expect(JSON.parse(readFileSync(settingsFile(dir), 'utf8'))).toEqual({ v: 1, ...DEFAULT_SETTINGS, signMessages: false });
  });

  const bad: [string, string][] = [
    ['truncated JSON', '{"v":1,"signMessages":fal'],
    ['empty file', ''],
    ['not an object', '[1,2]'],
    ['null', 'null'],
    ['unknown version', JSON.stringify({ v: 2, signMessages: false, rotationIntervalMs: 120_000 })],
    ['wrong type', JSON.stringify({ v: 1, signMessages: 'no', rotationIntervalMs: 120_000 })],
    ['interval too short', JSON.stringify({ v: 1, signMessages: false, rotationIntervalMs: 1 })],
    ['interval too long', JSON.stringify({ v: 1, signMessages: false, rotationIntervalMs: 10 * 24 * 3600_000 })],
    ['non-integer interval', JSON.stringify({ v: 1, signMessages: false, rotationIntervalMs: 120_000.5 })],
    ['missing field', JSON.stringify({ v: 1, signMessages: false })],
    ['maxFileBytes too small', JSON.stringify({ v: 1, signMessages: false, rotationIntervalMs: 120_000, maxFileBytes: FILE_LIMITS.minMaxFileBytes - 1 })],
    ['maxFileBytes too large', JSON.stringify({ v: 1, signMessages: false, rotationIntervalMs: 120_000, maxFileBytes: FILE_LIMITS.hardMaxFileBytes + 1 })],
    ['maxFileBytes not an integer', JSON.stringify({ v: 1, signMessages: false, rotationIntervalMs: 120_000, maxFileBytes: 2_000_000.5 })],
    ['maxFileBytes a string', JSON.stringify({ v: 1, signMessages: false, rotationIntervalMs: 120_000, maxFileBytes: '2000000' })],
    ['alwaysRelay a string', JSON.stringify({ v: 1, signMessages: false, rotationIntervalMs: 120_000, alwaysRelay: 'yes' })],
    ['alwaysRelay a number', JSON.stringify({ v: 1, signMessages: false, rotationIntervalMs: 120_000, alwaysRelay: 1 })],
    ['unknown field', JSON.stringify({ v: 1, signMessages: false, rotationIntervalMs: 120_000, extra: true })]
  ];
  for (const [what, content] of bad) {
    it(`a corrupt settings.json (${what}) falls back to defaults, is moved aside and audit-logged, and services keep working`, async () => {
      const dir = tempDir();
      mkdirSync(dir, { recursive: true });
      writeFileSync(settingsFile(dir), content);
      const a = await peerAt(dir);
      expect(await a.call('settings:get')).toEqual(DEFAULT_SETTINGS);
      const events = a.services.audit.tail(50).filter((e) => e.type === 'settings-corrupt');
      expect(events).toHaveLength(1);
      expect(typeof events[0]!.reason).toBe('string');
      expect(readFileSync(`${settingsFile(dir)}.corrupt`, 'utf8')).toBe(content);
      await a.call('keys:create', 'room');
      expect(await a.call('settings:set', { signMessages: false })).toEqual({ ...DEFAULT_SETTINGS, signMessages: false });
      expect(settingsProblem(JSON.parse(readFileSync(settingsFile(dir), 'utf8')))).toBeNull();
    });
  }

  it('a failed write (settings.json replaced by a directory) leaves the in-memory settings unchanged', async () => {
    const dir = tempDir();
    const a = await peerAt(dir);
    mkdirSync(path.join(settingsFile(dir), 'x'), { recursive: true });
    const r = await a.raw('settings:set', [{ signMessages: false }]);
    expect(r.ok).toBe(false);
    expect(await a.call('settings:get')).toEqual(DEFAULT_SETTINGS);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('a settings.json written before maxFileBytes existed still loads, with the default limit, and is not moved aside', async () => {
    const dir = tempDir();
    mkdirSync(dir, { recursive: true });
    writeFileSync(settingsFile(dir), JSON.stringify({ v: 1, signMessages: false, rotationIntervalMs: 120_000 }));
    const a = await peerAt(dir);
    expect(await a.call('settings:get')).toEqual({ signMessages: false, rotationIntervalMs: 120_000, maxFileBytes: FILE_LIMITS.defaultMaxFileBytes,
      alwaysRelay: false });
    expect(existsSync(`${settingsFile(dir)}.corrupt`)).toBe(false);
    expect(a.services.audit.tail(50).some((e) => e.type === 'settings-corrupt')).toBe(false);
  });

  it('maxFileBytes: settings:set persists it within bounds and refuses values outside them without any change', async () => {
    const dir = tempDir();
    const a = await peerAt(dir);
    const set = await a.call('settings:set', { maxFileBytes: FILE_LIMITS.minMaxFileBytes });
    expect(set.maxFileBytes).toBe(FILE_LIMITS.minMaxFileBytes);
    await expectCode(a.call('settings:set', { maxFileBytes: FILE_LIMITS.minMaxFileBytes - 1 }), 'bad-arguments');
    await expectCode(a.call('settings:set', { maxFileBytes: FILE_LIMITS.hardMaxFileBytes + 1 }), 'bad-arguments');
    expect((await a.call('settings:get')).maxFileBytes).toBe(FILE_LIMITS.minMaxFileBytes);
    await a.services.dispose();
    peers = [];
    expect((await (await peerAt(dir)).call('settings:get')).maxFileBytes).toBe(FILE_LIMITS.minMaxFileBytes);
  });

  it('alwaysRelay: off by default, persisted across a restart, audited, and a non-boolean is refused without any change', async () => {
    const dir = tempDir();
    const a = await peerAt(dir);
    expect((await a.call('settings:get')).alwaysRelay).toBe(false);
    expect((await a.call('settings:set', { alwaysRelay: true })).alwaysRelay).toBe(true);
    expect(JSON.parse(readFileSync(settingsFile(dir), 'utf8')).alwaysRelay).toBe(true);
    expect(a.services.audit.tail(50).filter((e) => e.type === 'settings-changed').at(-1)?.alwaysRelay).toBe(true);
    await expectCode(a.call('settings:set', { alwaysRelay: 'yes' }), 'bad-arguments');
    await expectCode(a.call('settings:set', { alwaysRelay: 1 }), 'bad-arguments');
    expect((await a.call('settings:get')).alwaysRelay).toBe(true);
    await a.services.dispose();
    peers = [];
    expect(await (await peerAt(dir)).call('settings:get')).toEqual({ ...DEFAULT_SETTINGS, alwaysRelay: true });
  });

  it('an unreadable settings path (a directory) falls back to defaults without throwing', () => {
    const dir = tempDir();
    mkdirSync(settingsFile(dir), { recursive: true });
    const events: string[] = [];
    const store = new SettingsStore(dir, (e) => events.push(e.reason));
    expect(store.load()).toEqual(DEFAULT_SETTINGS);
    expect(events).toHaveLength(1);
  });
});
