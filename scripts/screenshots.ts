// Takes the README screenshots (lobby, call with chat, invite, verify dialog, files, key change with held messages) with headed Chromium.
// Run: node scripts/build.mjs renderer && xvfb-run -a -s '-screen 0 1280x1024x24' npx tsx scripts/screenshots.ts
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { accept, allowanceFor, makeFile, sendFile, waitState } from '../test/e2e/harness/files';
import { Harness } from '../test/e2e/harness/index';
import { REPO_ROOT } from '../test/e2e/harness/paths';

const out = (name: string) => path.join(REPO_ROOT, 'docs/screenshots', `${name}.png`);
const viewport = { width: 1280, height: 800 };

async function main(): Promise<void> {
  const h = await Harness.start({ headed: Boolean(process.env.DISPLAY) });
  try {
    const a = await h.peer('Alice', { viewport });
    await a.page.getByTestId('lobby-name').fill('Alice');
    await a.page.getByTestId('lobby-server').fill(h.signalingUrl);
    await a.page.getByTestId('lobby-room').fill('design-review');
    await a.page.screenshot({ path: out('lobby') });

    const b = await h.peer('Bob', { viewport });
    const c = await h.peer('Carol', { viewport });
    await a.join('design-review');
    await b.join('design-review');
    await c.join('design-review');
    await Promise.all([a, b, c].map((p) => p.waitConnected(2)));
    await a.sendChat('Morning! Slides are in the shared folder.');
    await b.waitForMessage('Morning!');
    await b.sendChat('Thanks. The room code matches on my side: 3 of us.');
    await c.waitForMessage('room code');
    await c.sendChat('Same here, verified Alice by QR too.');
    await a.waitForMessage('verified Alice');
    await a.waitDelivered('Morning!', ['Bob', 'Carol']);
    await new Promise((r) => setTimeout(r, 1500));
    await a.page.screenshot({ path: out('call') });

    await a.page.getByTestId('call-invite').click();
    await a.page.getByTestId('invite-qr').waitFor();
    await a.page.screenshot({ path: out('invite') });
    await a.page.getByTestId('invite-close').click();

    await a.page.getByTestId('tab-people').click();
    await a.page.locator('[data-testid="participant"][data-name="Bob"] [data-testid="verify-open"]').click();
    await a.page.getByTestId('safety-qr').waitFor();
    await new Promise((r) => setTimeout(r, 300));
    await a.page.screenshot({ path: out('verify') });
    await a.page.getByTestId('verify-close').click();
    await a.page.getByTestId('tab-chat').click();

    // Files: Bob receives a large file from Alice (in progress) and has a small one from Carol waiting for his answer.
    const dir = await mkdtemp(path.join(os.tmpdir(), 'veil-shots-'));
    try {
      const slidesBytes = 40 * 1024 * 1024;
      const slides = await makeFile(dir, 'design-review-slides.pdf', slidesBytes);
      const notes = await makeFile(dir, 'meeting-notes.md', 48 * 1024);
      await sendFile(c, notes.path, 'Bob');
      await waitState(b, 'in', 'meeting-notes.md', ['offered']);
      await accept(b, 'meeting-notes.md');
      await waitState(b, 'in', 'meeting-notes.md', ['verified']);
      await sendFile(a, slides.path, 'Bob');
      // The offer goes out at once; allow for a busy machine all the same.
      await accept(b, 'design-review-slides.pdf', allowanceFor(slidesBytes));
      await new Promise((r) => setTimeout(r, 4000));
      await b.page.screenshot({ path: out('files') });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }

    // Key change: Carol comes back with a new identity; Alice's warning docks beside the call, whose controls stay usable.
    // What Alice writes meanwhile waits for her decision; what Carol writes waits for Alice, and Carol is told why.
    await c.leave();
    await c.restartServices({ newIdentity: true });
    await c.reload();
    await c.join('design-review');
    await a.page.getByTestId('key-change-modal').waitFor({ timeout: 30_000 });
    await c.sendChat('Hi, it is me on my new laptop.');
    await c.sendChat('Can you check my safety number?');
    await a.sendChat('Carol, is that you? Let us compare safety numbers.');
    await c.page.getByTestId('peer-held').first().waitFor({ timeout: 30_000 });
    await c.page.locator('[data-testid="delivery-peer"][data-peer="Alice"]', { hasText: 'to confirm your new key' }).first().waitFor({ timeout: 30_000 });
    await a.page.screenshot({ path: out('key-change') });
    await c.page.screenshot({ path: out('held') });
    console.log(`screenshots written to ${path.dirname(out('x'))}`);
  } finally {
    await h.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
