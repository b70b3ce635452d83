// Three people in one call: authenticated media, encrypted chat, safety numbers, verification, rotation, revocation, re-join.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Contact, RoomKeyInfo } from '../../protocol/ipc-e2ee';
import { Harness, type Peer } from './harness/index';
import { waitUntil } from './harness/peer';
import { e2eNotReadyReason } from './harness/ready';

const notReady = await e2eNotReadyReason();
const ROOM = 'e2e-call';

describe.skipIf(notReady !== null)(`three-person call${notReady ? ` (skipped: ${notReady})` : ''}`, () => {
  let h: Harness;
  let a: Peer, b: Peer, c: Peer;

  beforeAll(async () => {
    h = await Harness.start();
    [a, b, c] = [await h.peer('Alice'), await h.peer('Bob'), await h.peer('Carol')];
    await a.join(ROOM);
    await b.join(ROOM);
    await c.join(ROOM);
  });
  afterAll(async () => { await h?.close(); });

  it('connects every pair with signed, live-checked DTLS and decodes remote video', async () => {
    await Promise.all([a, b, c].map((p) => p.waitConnected(2)));
    for (const p of [a, b, c]) {
      await waitUntil(async () => {
        const frames = await p.decodedFrames();
        return frames.length === 2 && frames.every((f) => f > 0);
      }, 30_000, `${p.name} decoding video from both others`);
    }
  });

  it('shows the same room security code to everyone', async () => {
    const code = (p: Peer) => p.page.getByTestId('room-code').first().getAttribute('data-code');
    await waitUntil(async () => {
      const codes = await Promise.all([a, b, c].map(code));
      return /^\d{30}$/.test(codes[0] ?? '') && codes.every((x) => x === codes[0]);
    }, 20_000, 'matching room codes');
  });

  it('delivers chat to everyone while the data channels never carry the plaintext', async () => {
    const text = 'the eagle lands at dawn 4711';
    await a.sendChat(text);
    await b.waitForMessage(text);
    await c.waitForMessage(text);
    await a.waitDelivered(text, ['Bob', 'Carol']);
    const reply = 'copy that, ünïcödé ✓';
    await c.sendChat(reply);
    await a.waitForMessage(reply);
    await b.waitForMessage(reply);
    for (const p of [a, b, c]) {
      expect(await p.page.evaluate('window.__veilSent.length')).toBeGreaterThan(0);
      expect(await p.sentContains(text)).toBe(false);
      expect(await p.sentContains(reply)).toBe(false);
      expect(await p.sentContains('eagle')).toBe(false);
    }
  });

  it('shows the same 60-digit safety number on both sides of each pair', async () => {
    for (const [x, y] of [[a, b], [a, c], [b, c]] as const) {
      const mine = await x.safetyNumberFor(y.name);
      const theirs = await y.safetyNumberFor(x.name);
      expect(mine).toMatch(/^\d{60}$/);
      expect(theirs).toBe(mine);
    }
  });

  it('persists "verified" in main and shows it in the participants panel', async () => {
    await a.page.getByTestId('tab-people').click();
    await a.page.locator('[data-testid="participant"][data-name="Bob"] [data-testid="verify-open"]').click();
    await a.page.getByTestId('mark-verified').click();
    await a.page.locator('[data-testid="verify-state"][data-verified="yes"]').waitFor();
    await a.page.getByTestId('verify-close').click();
    const bobKey = (await b.call<{ identityKey: string }>('identity:get')).identityKey;
    const contacts = await a.call<Contact[]>('trust:list');
    expect(contacts.find((x) => x.identityKey === bobKey)?.verified).toBe(true);
    await a.page.locator('[data-testid="participant"][data-name="Bob"][data-trust="verified"]').waitFor();
  });

  it('keeps chat working across a key rotation mid-call', async () => {
    const before = await a.call<RoomKeyInfo>('keys:get', ROOM);
    await a.page.getByTestId('tab-security').click();
    await a.page.getByTestId('rotate-now').click();
    await waitUntil(async () => (await a.call<RoomKeyInfo>('keys:get', ROOM)).epoch > before.epoch, 15_000, 'rotation');
    const text = 'after rotation';
    await a.sendChat(text);
    await b.waitForMessage(text);
    await c.waitForMessage(text);
    await a.waitDelivered(text, ['Bob', 'Carol']);
    await b.sendChat('bob after rotation');
    await a.waitForMessage('bob after rotation');
  });

  it('cuts a revoked key off while the call goes on', async () => {
    const old = await a.call<RoomKeyInfo>('keys:get', ROOM);
    await a.page.getByTestId('tab-security').click();
    await a.page.getByTestId('revoke-now').click();
    await a.page.getByTestId('revoke-confirm-confirm').click();
    await b.waitForAlert(/revoked a room key/);
    await c.waitForAlert(/revoked a room key/);
    await expect(b.call('session:open', old.bundle, 'Alice')).rejects.toThrow(/revoked|old-epoch|stale|expired/);
    const text = 'after revocation';
    await a.sendChat(text);
    await b.waitForMessage(text);
    await c.waitForMessage(text);
    // The server accepted and relayed the revocation too (it used to refuse it as stale-epoch).
    expect((await a.alertTexts()).filter((t) => /did not relay the revocation/.test(t))).toEqual([]);
  });

  it('saves the rotation interval and signature setting in main', async () => {
    await b.page.getByTestId('tab-settings').click();
    await b.page.getByTestId('settings-rotation').fill('2');
    await b.page.getByTestId('settings-save').click();
    await b.page.getByTestId('settings-msg').filter({ hasText: 'Saved.' }).waitFor();
    expect((await b.call<{ rotationIntervalMs: number }>('settings:get')).rotationIntervalMs).toBe(120_000);
  });

  it('lets a participant leave and re-join', async () => {
    await c.leave();
    await waitUntil(async () => (await a.tiles()).length === 1 && (await b.tiles()).length === 1, 20_000, 'Carol gone');
    await c.join(ROOM);
    await Promise.all([a, b, c].map((p) => p.waitConnected(2)));
    await c.sendChat('carol is back');
    await a.waitForMessage('carol is back');
    await b.waitForMessage('carol is back');
    await c.waitDelivered('carol is back', ['Alice', 'Bob']);
  });
});
