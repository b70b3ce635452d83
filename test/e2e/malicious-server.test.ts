// A malicious signaling server (MITM relay in front of the real one): every attack is detected, refused and shown.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RoomKeyInfo } from '../../protocol/ipc-e2ee';
import { Harness, type Peer } from './harness/index';
import { noAttacks, startMitm } from './harness/mitm';
import { waitUntil } from './harness/peer';
import { e2eNotReadyReason } from './harness/ready';

const notReady = await e2eNotReadyReason();

describe.skipIf(notReady !== null)(`malicious signaling server${notReady ? ` (skipped: ${notReady})` : ''}`, () => {
  const attacks = noAttacks();
  let h: Harness;
  const opened: Peer[] = [];
  beforeAll(async () => { h = await Harness.start({ relay: (url) => startMitm(url, attacks) }); });
  afterAll(async () => { await h?.close(); });

  async function pair(room: string): Promise<[Peer, Peer]> {
    const a = await h.peer(`Amy-${room}`.slice(0, 20));
    const b = await h.peer(`Bo-${room}`.slice(0, 20));
    opened.push(a, b);
    await a.join(room);
    await b.join(room);
    return [a, b];
  }

  it('refuses a swapped key bundle and says why', async () => {
    Object.assign(attacks, { swapBundle: true, swapFingerprint: false, replayRotation: false });
    const [a, b] = await pair('mitm-bundle');
    const onB = await b.waitForAlert(/Refused key bundle/);
    const onA = await a.waitForAlert(/Refused key bundle/);
    expect(onB).toMatch(/bad-signature|malformed|unknown-key/);
    expect(onA).toMatch(/bad-signature|malformed|unknown-key/);
    expect(attacks.fired.swapBundle).toBeGreaterThan(0);
    expect(await a.tiles()).toEqual([]);
    expect(await b.tiles()).toEqual([]);
    attacks.swapBundle = false;
    await a.leave();
    await b.leave();
  });

  it('refuses media whose DTLS fingerprint was swapped in the SDP', async () => {
    Object.assign(attacks, { swapBundle: false, swapFingerprint: true, replayRotation: false });
    const [a, b] = await pair('mitm-dtls');
    await waitUntil(async () => [...await a.tiles(), ...await b.tiles()].some((t) => t.conn === 'refused'), 30_000, 'a refused link');
    const reasons = [...await a.page.getByTestId('peer-reason').allTextContents(), ...await b.page.getByTestId('peer-reason').allTextContents()];
    expect(reasons.join(' ')).toMatch(/refused: link binding rejected \(bad-signature/);
    expect(attacks.fired.swapFingerprint).toBeGreaterThan(0);
    for (const p of [a, b]) expect((await p.tiles()).some((t) => t.conn === 'connected')).toBe(false);
    attacks.swapFingerprint = false;
    await a.leave();
    await b.leave();
  });

  it('refuses a replayed rotation notice and keeps chatting', async () => {
    Object.assign(attacks, { swapBundle: false, swapFingerprint: false, replayRotation: true });
    const [a, b] = await pair('mitm-replay');
    await a.waitConnected(1);
    await b.waitConnected(1);
    await a.page.getByTestId('tab-security').click();
    for (let i = 0; i < 2; i++) {
      const before = (await a.call<RoomKeyInfo>('keys:get', 'mitm-replay')).epoch;
      await a.page.getByTestId('rotate-now').click();
      await waitUntil(async () => (await a.call<RoomKeyInfo>('keys:get', 'mitm-replay')).epoch > before, 15_000, 'rotation');
    }
    const alert = await b.waitForAlert(/Refused key rotation notice/);
    expect(alert).toMatch(/old-epoch|replay|stale|bad-signature/);
    expect(attacks.fired.replayRotation).toBeGreaterThan(0);
    await a.sendChat('still private after the replay');
    await b.waitForMessage('still private after the replay');
    attacks.replayRotation = false;
  });
});
