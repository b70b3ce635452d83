// Media controls in a real call: mute, camera off, and screen share replacing the video track on every link.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Harness, type Peer } from './harness/index';
import { waitUntil } from './harness/peer';
import { e2eNotReadyReason } from './harness/ready';

const notReady = await e2eNotReadyReason();
const senders = `window.__veilPcs.filter((pc) => pc.connectionState === 'connected')
  .map((pc) => pc.getSenders().map((s) => s.track ? s.track.kind + ':' + s.track.enabled + ':' + s.track.label : 'none').sort().join('|'))`;

describe.skipIf(notReady !== null)(`media controls${notReady ? ` (skipped: ${notReady})` : ''}`, () => {
  let h: Harness;
  let a: Peer, b: Peer, c: Peer;
  beforeAll(async () => {
    h = await Harness.start();
    [a, b, c] = [await h.peer('Mia'), await h.peer('Noa'), await h.peer('Oli')];
    for (const p of [a, b, c]) await p.join('e2e-media');
    await Promise.all([a, b, c].map((p) => p.waitConnected(2)));
  });
  afterAll(async () => { await h?.close(); });

  it('mutes the microphone and turns the camera off on every link', async () => {
    await a.page.getByTestId('toggle-mute').click();
    await a.page.getByTestId('toggle-camera').click();
    const s = await a.page.evaluate(senders) as string[];
    expect(s).toHaveLength(2);
    for (const links of s) expect(links).toMatch(/^audio:false:.*\|video:false:/);
    await a.page.getByTestId('toggle-mute').click();
    await a.page.getByTestId('toggle-camera').click();
    for (const links of await a.page.evaluate(senders) as string[]) expect(links).toMatch(/^audio:true:.*\|video:true:/);
  });

  it('shares the screen to everyone with replaceTrack, and goes back to the camera', async () => {
    const before = (await a.page.evaluate(senders) as string[])[0]!;
    await a.page.getByTestId('toggle-share').click();
    // The in-app picker lists main's sources; picking one is the click getDisplayMedia runs under.
    await a.page.locator('[data-testid="picker-source"][data-source-id="window:1:0"]').click();
    await waitUntil(async () => (await a.page.getByTestId('toggle-share').getAttribute('aria-pressed')) === 'true', 10_000, 'sharing');
    const sharing = await a.page.evaluate(senders) as string[];
    expect(sharing).toHaveLength(2);
    for (const links of sharing) expect(links).not.toBe(before);
    expect(new Set(sharing).size).toBe(1);
    // The others keep decoding Mia's video while she shares.
    for (const p of [b, c]) {
      const start = await p.decodedFrames();
      await waitUntil(async () => (await p.decodedFrames()).some((f, i) => f > (start[i] ?? 0)), 15_000, `${p.name} decoding`);
    }
    await a.page.getByTestId('toggle-share').click();
    await waitUntil(async () => (await a.page.evaluate(senders) as string[]).every((x) => x === before), 10_000, 'camera back');
  });
});
