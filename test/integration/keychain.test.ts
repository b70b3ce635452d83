// The identity against a real gnome-keyring over a private D-Bus (scripts/with-keyring.sh): restart, locked keyring, deleted secret.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { IDENTITY_ACCOUNT, KEYSTORE_SERVICE } from '../../main/keystore/keystore';
import { KeytarKeystore } from '../../main/keystore/keytar';
import { createMainApp } from '../../main/app';
import type { MainServices } from '../../main/services';
import { APP_ENTRY_URL } from '../../main/shell/origin';

const HAVE_KEYRING = Boolean(process.env.VEIL_KEYRING);
const APP = APP_ENTRY_URL;
const started: MainServices[] = [];
afterAll(async () => {
  for (const s of started) await s.dispose();
});

/** A fresh service name per run, so the test never touches a real user's "Veil" entry. */
const service = `${KEYSTORE_SERVICE}-test-${process.pid}`;

async function start(dataDir: string) {
  const { services, dispatch } = await createMainApp({ appInfo: { name: 'Veil', version: 't', platform: 'linux' }, dataDir,
    keystore: new KeytarKeystore(service), sweepIntervalMs: 0 });
  started.push(services);
  return { services, call: (channel: string, ...args: unknown[]) => dispatch(APP, channel, args) };
}

function gdbus(method: 'Lock'): void {
  execFileSync('gdbus', ['call', '--session', '--dest', 'org.freedesktop.secrets', '--object-path', '/org/freedesktop/secrets',
    '--method', `org.freedesktop.Secret.Service.${method}`, "['/org/freedesktop/secrets/collection/login']"], { stdio: 'pipe', timeout: 10_000 });
}

describe.skipIf(!HAVE_KEYRING)(`keychain (gnome-keyring)${HAVE_KEYRING ? '' : ' (skipped: VEIL_KEYRING unset; run under scripts/with-keyring.sh)'}`, () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'veil-keychain-'));
  let identityKey = '';

  it('creates the identity in the keychain and keeps it across a restart of the services', async () => {
    const a = await start(dataDir);
    const r1 = await a.call('identity:get');
    expect(r1.ok).toBe(true);
    identityKey = (r1 as { value: { identityKey: string } }).value.identityKey;
    await a.services.dispose();
    const b = await start(dataDir);
    expect(await b.call('identity:get')).toMatchObject({ ok: true, value: { identityKey } });
    const keytar = (await import('keytar')) as unknown as { default?: typeof import('keytar') } & typeof import('keytar');
    expect(await (keytar.default ?? keytar).getPassword(service, IDENTITY_ACCOUNT)).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('a deleted keychain secret yields identity-missing, never a new identity', async () => {
    const store = new KeytarKeystore(service);
    const before = readFileSync(path.join(dataDir, 'identity.json'), 'utf8');
    const saved = await store.get(IDENTITY_ACCOUNT);
    expect(saved).not.toBeNull();
    expect(await store.delete(IDENTITY_ACCOUNT)).toBe(true);
    const e = await start(dataDir);
    expect(await e.call('identity:get')).toMatchObject({ ok: false, error: { code: 'identity-missing' } });
    expect(await store.get(IDENTITY_ACCOUNT)).toBeNull();
    expect(readFileSync(path.join(dataDir, 'identity.json'), 'utf8')).toBe(before);
    // Put the secret back: the same identity loads again.
    await store.set(IDENTITY_ACCOUNT, saved!);
    const f = await start(dataDir);
    expect(await f.call('identity:get')).toMatchObject({ ok: true, value: { identityKey } });
  });
  it('a locked keyring yields keychain-locked and leaves the stored identity untouched', async () => {
    const before = readFileSync(path.join(dataDir, 'identity.json'), 'utf8');
    gdbus('Lock');
    expect(await new KeytarKeystore(service).get(IDENTITY_ACCOUNT)).toBeNull();
    const c = await start(dataDir);
    expect(await c.call('identity:get')).toMatchObject({ ok: false, error: { code: 'keychain-locked' } });
    expect(await c.call('keys:create', 'room')).toMatchObject({ ok: false, error: { code: 'keychain-locked' } });
    // Nothing re-unlocks headlessly (Secret Service Unlock needs a prompt): this case runs last on purpose.
    expect(readFileSync(path.join(dataDir, 'identity.json'), 'utf8')).toBe(before);
  });

});
