// Identity lifecycle with the in-memory keystore: created once, reloaded, and typed errors (never a new identity) when the secret is gone.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { IDENTITY_ACCOUNT } from '../../../main/keystore/keystore';
import { MemoryKeystore } from '../../../main/keystore/memory';
import { Clock, expectCode, makePeer, tempDir } from './harness';

describe('identity', () => {
  it('is created on first run, survives a restart, and typed errors leave identity.json untouched', async () => {
    const clock = new Clock();
    const dataDir = tempDir();
    const keystore = new MemoryKeystore();
    const p1 = await makePeer('a', { clock, dataDir, keystore });
    const id = await p1.call('identity:get');
    expect(id.fingerprint).toMatch(/^([0-9a-f]{4} ){15}[0-9a-f]{4}$/);
    await p1.services.dispose();
    const p2 = await makePeer('a', { clock, dataDir, keystore });
    expect((await p2.call('identity:get')).identityKey).toBe(id.identityKey);
    await p2.services.dispose();
    const file = readFileSync(path.join(dataDir, 'identity.json'), 'utf8');
    expect(file).not.toContain(keystore.secrets.get(IDENTITY_ACCOUNT)!);

    keystore.state = 'locked';
    const p3 = await makePeer('a', { clock, dataDir, keystore });
    await expectCode(p3.call('identity:get'), 'keychain-locked');
    await expectCode(p3.call('keys:create', 'r'), 'keychain-locked');
    keystore.state = 'unavailable';
    await expectCode(p3.call('identity:get'), 'keychain-unavailable');
    keystore.state = 'open';
    expect((await p3.call('identity:get')).identityKey).toBe(id.identityKey);
    await p3.services.dispose();

    const saved = keystore.secrets.get(IDENTITY_ACCOUNT)!;
    keystore.secrets.delete(IDENTITY_ACCOUNT);
    const p4 = await makePeer('a', { clock, dataDir, keystore });
    await expectCode(p4.call('identity:get'), 'identity-missing');
    expect(keystore.secrets.has(IDENTITY_ACCOUNT)).toBe(false);
    keystore.secrets.set(IDENTITY_ACCOUNT, 'AAAA');
    await expectCode(p4.call('identity:get'), 'identity-missing');
    await p4.services.dispose();
    expect(readFileSync(path.join(dataDir, 'identity.json'), 'utf8')).toBe(file);
    keystore.secrets.set(IDENTITY_ACCOUNT, saved);
    const p5 = await makePeer('a', { clock, dataDir, keystore });
    expect((await p5.call('identity:get')).identityKey).toBe(id.identityKey);
    expect((await p5.call('audit:tail', 1000)).filter((e) => e.type === 'identity-created')).toHaveLength(1);
    await p5.services.dispose();
  });

  it('a locked keychain on first run creates nothing', async () => {
    const keystore = new MemoryKeystore();
    keystore.state = 'locked';
    const dataDir = tempDir();
    const p = await makePeer('a', { clock: new Clock(), dataDir, keystore });
    await expectCode(p.call('identity:get'), 'keychain-locked');
    expect(() => readFileSync(path.join(dataDir, 'identity.json'))).toThrow();
    await p.services.dispose();
  });
});
