// "Host on this computer" from the lobby: main starts an embedded signaling server, others join through its address.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Harness } from './harness/index';
import { e2eNotReadyReason } from './harness/ready';

const notReady = await e2eNotReadyReason();

describe.skipIf(notReady !== null)(`host on this computer${notReady ? ` (skipped: ${notReady})` : ''}`, () => {
  let h: Harness;
  beforeAll(async () => { h = await Harness.start(); });
  afterAll(async () => { await h?.close(); });

  it('shows the addresses (or the reason it cannot host) and lets two people meet on the hosted server', async () => {
    const host = await h.peer('Hana');
    await host.page.getByTestId('lobby-host').click();
    const urls = host.page.getByTestId('host-urls');
    const error = host.page.getByTestId('host-error');
    await urls.or(error).waitFor();
    if (await error.isVisible()) {
      // The default port can be taken on a shared machine: then the lobby must say why, in words.
      expect(await error.textContent()).toMatch(/Could not host: .+/);
      return;
    }
    const list = await urls.locator('code').allTextContents();
    const local = list.at(-1)!;
    expect(local).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await host.page.getByTestId('lobby-server').inputValue()).toBe(local);
    // The embedded server needs the password main generated; the invite shows it and the host's lobby is filled in.
    const password = await host.page.getByTestId('lobby-password').inputValue();
    expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(await host.page.getByTestId('host-password').textContent()).toBe(password);
    const guest = await h.peer('Gus');
    await host.join('hosted-room', local);
    // Main started this server, so the host's page may reach it without the "allow this server?" question.
    expect(host.serverPrompts).toEqual([]);
    await guest.submitJoin('hosted-room', local, 'wrong-password');
    await guest.page.getByTestId('lobby-error').waitFor();
    expect(await guest.page.getByTestId('lobby-error').textContent()).toMatch(/Wrong room password/);
    expect(guest.serverPrompts).toEqual([local]);
    await guest.join('hosted-room', local, password);
    await host.waitConnected(1);
    await guest.sendChat('hi over the hosted server');
    await host.waitForMessage('hi over the hosted server');
    // Two first joins (each allows a new server and reloads once) and a refused join: room on a loaded machine.
  }, 240_000);
});
