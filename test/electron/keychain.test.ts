// The identity key in real Electron: its secret goes to the OS keychain (never the data folder) and the same identity comes back after a restart.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { IdentityInfo } from '../../protocol/ipc-e2ee';
import type { IpcResult, VeilApi } from '../../protocol/ipc';
import { IDENTITY_ACCOUNT } from '../../main/keystore/keystore';
import { ELECTRON_BINARY, SKIP_REASON, keytar, launchApp, newProfile, removeProfile, type Profile } from './launch';

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...await filesUnder(full));
    else if (entry.isFile()) out.push(full);
  }
  return out;
}

describe.skipIf(!ELECTRON_BINARY)(`the identity key in the OS keychain${ELECTRON_BINARY ? '' : ` (${SKIP_REASON})`}`, () => {
  let profile: Profile | undefined;
  afterAll(async () => { if (profile) await removeProfile(profile); });

  it('stores the secret in the keychain on first run and reloads the same identity after a restart', async () => {
    profile = await newProfile('keychain');
    const first = await launchApp(profile);
    const created = await first.page.evaluate(() => (window as unknown as { veil: VeilApi }).veil.identity.get()) as IpcResult<IdentityInfo>;
    await first.app.close();
    if (!created.ok) throw new Error(`identity:get failed: ${created.error.code}: ${created.error.message}`);

    const secret = await (await keytar()).getPassword(profile.keychainService, IDENTITY_ACCOUNT);
    expect(secret, 'the identity secret is in the OS keychain under the profile\'s service').toMatch(/^[A-Za-z0-9_-]{43}$/);
    // Nothing in the data folder holds the secret, in any encoding the app uses.
    const seedHex = Buffer.from(secret!, 'base64url').toString('hex');
    for (const file of await filesUnder(profile.userDataDir)) {
      const text = (await readFile(file)).toString('latin1');
      expect(text.includes(secret!) || text.includes(seedHex), `${path.relative(profile.userDataDir, file)} holds the secret`).toBe(false);
    }

    const second = await launchApp(profile);
    const reloaded = await second.page.evaluate(() => (window as unknown as { veil: VeilApi }).veil.identity.get()) as IpcResult<IdentityInfo>;
    await second.app.close();
    expect(reloaded).toEqual(created);
  });
});
