// Invite links in real Electron: a veil://join URL given to a second instance reaches the first (single-instance handoff); a hostile one does not.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Invite } from '../../protocol/ipc-invite';
import type { IpcResult, VeilApi } from '../../protocol/ipc';
import { ELECTRON_BINARY, SKIP_REASON, launchApp, launchSecondInstance, newProfile, removeProfile, waitUntil, type RunningApp } from './launch';

const takeInvite = (running: RunningApp) =>
  running.page.evaluate(() => (window as unknown as { veil: VeilApi }).veil.invite.take()) as Promise<IpcResult<Invite | null>>;

describe.skipIf(!ELECTRON_BINARY)(`veil://join handoff between instances${ELECTRON_BINARY ? '' : ` (${SKIP_REASON})`}`, () => {
  let first: RunningApp;
  beforeAll(async () => { first = await launchApp(await newProfile('invite')); });
  afterAll(async () => {
    await first?.app.close();
    if (first) await removeProfile(first.profile);
  });

  it('starts with no invite', async () => {
    expect(await takeInvite(first)).toEqual({ ok: true, value: null });
  });

  it('hands the link from a second instance to the first, which keeps running alone', async () => {
    const code = await launchSecondInstance(first.profile, ['veil://join?server=https%3A%2F%2Fsignal.example.org&room=team-7']);
    expect(code).toBe(0);
    let got: IpcResult<Invite | null> = { ok: true, value: null };
    await waitUntil(async () => { got = await takeInvite(first); return !got.ok || got.value !== null; }, 30_000, 'the handed-off invite');
    expect(got).toEqual({ ok: true, value: { server: 'https://signal.example.org', room: 'team-7' } });
    expect(await first.app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length)).toBe(1);
  });

  it('drops a hostile link, and a later good one still arrives', async () => {
    expect(await launchSecondInstance(first.profile, ['veil://join?server=https://evil.example&room=r&password=x'])).toBe(0);
    expect(await launchSecondInstance(first.profile, ['veil://join?server=http://127.0.0.1:8443&room=after'])).toBe(0);
    let got: IpcResult<Invite | null> = { ok: true, value: null };
    await waitUntil(async () => { got = await takeInvite(first); return !got.ok || got.value !== null; }, 30_000, 'the good invite');
    expect(got).toEqual({ ok: true, value: { server: 'http://127.0.0.1:8443', room: 'after' } });
  });
});
