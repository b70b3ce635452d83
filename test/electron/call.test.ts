// Two real Electron instances (own data folders and keychain entries) in one call through a signaling server the test starts, and a file over the MessagePort.
import { createHash, randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSignalingServer, type SignalingServer } from '../../signaling-server/index';
import {
  ELECTRON_BINARY, SKIP_REASON, answerDialogs, launchApp, newProfile, removeProfile, waitUntil, type RunningApp
} from './launch';

// Fake camera and microphone, and WebRTC between two processes on one host (no mDNS name to resolve).
const MEDIA_SWITCHES = ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
  '--allow-loopback-in-peer-connection', '--disable-features=WebRtcHideLocalIpsWithMdns'];
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

async function join(page: Page, name: string, serverUrl: string, room: string): Promise<void> {
  await page.getByTestId('lobby-name').fill(name);
  await page.getByTestId('lobby-server').fill(serverUrl);
  await page.getByTestId('lobby-room').fill(room);
  await page.getByTestId('lobby-join').click();
  await page.getByTestId('call-view').waitFor({ timeout: 60_000 });
}

async function waitAuthenticated(page: Page, who: string): Promise<void> {
  const ready = page.locator('[data-testid="tile-peer"][data-conn="connected"]:has(.badge.lock)');
  await waitUntil(async () => (await ready.count()) >= 1, 90_000, `${who}: an authenticated link`);
}

async function transferState(page: Page, direction: 'in' | 'out', name: string): Promise<string> {
  const row = page.locator(`[data-testid="transfer"][data-direction="${direction}"][data-name="${name}"]`).last();
  return (await row.count()) ? (await row.getAttribute('data-state')) ?? '' : '';
}

async function waitTransfer(page: Page, direction: 'in' | 'out', name: string, states: string[], who: string): Promise<void> {
  await page.getByTestId('tab-files').click();
  let last = '';
  await waitUntil(async () => states.includes(last = await transferState(page, direction, name)), 120_000,
    `${who}: ${direction} ${name} in ${states.join('|')} (last: ${last || 'none'})`);
}

describe.skipIf(!ELECTRON_BINARY)(`two Electron instances in a call${ELECTRON_BINARY ? '' : ` (${SKIP_REASON})`}`, () => {
  let server: SignalingServer;
  let alice: RunningApp, bob: RunningApp;

  beforeAll(async () => {
    server = await createSignalingServer({ host: '127.0.0.1', port: 0, iceServers: [], logLevel: 'silent' });
    const origin = new URL(server.url).origin;
    alice = await launchApp(await newProfile('alice', [origin]), MEDIA_SWITCHES);
    bob = await launchApp(await newProfile('bob', [origin]), MEDIA_SWITCHES);
    await Promise.all([answerDialogs(alice), answerDialogs(bob)]);
  }, 180_000);
  afterAll(async () => {
    for (const running of [alice, bob]) {
      await running?.app.close().catch(() => {});
      if (running) await removeProfile(running.profile);
    }
    await server?.close();
  });

  it('joins one room and brings up an authenticated link both ways', async () => {
    await join(alice.page, 'Alice', server.url, 'electron-call');
    await join(bob.page, 'Bob', server.url, 'electron-call');
    await Promise.all([waitAuthenticated(alice.page, 'Alice'), waitAuthenticated(bob.page, 'Bob')]);
  }, 240_000);

  it('sends a file from Alice to Bob over the MessagePort: identical bytes after Bob saves it', async () => {
    const name = 'electron-file.bin';
    const bytes = randomBytes(3 * 1024 * 1024 + 777);
    const source = path.join(alice.profile.downloads, name);
    await writeFile(source, bytes);

    await alice.page.getByTestId('tab-files').click();
    await alice.page.getByTestId('file-recipient').selectOption({ label: 'Bob' });
    await alice.page.getByTestId('file-input').setInputFiles(source);

    await waitTransfer(bob.page, 'in', name, ['offered'], 'Bob');
    await bob.page.locator(`[data-testid="transfer"][data-direction="in"][data-name="${name}"]`).last().getByTestId('transfer-accept').click();
    await waitTransfer(bob.page, 'in', name, ['verified'], 'Bob');
    // Main's save dialog (answered by answerDialogs) writes into Bob's downloads folder.
    await bob.page.locator(`[data-testid="transfer"][data-direction="in"][data-name="${name}"]`).last().getByTestId('transfer-save').click();
    await waitTransfer(bob.page, 'in', name, ['saved'], 'Bob');
    await waitTransfer(alice.page, 'out', name, ['done'], 'Alice');

    expect(sha256(await readFile(path.join(bob.profile.downloads, name)))).toBe(sha256(bytes));
  }, 300_000);
});
