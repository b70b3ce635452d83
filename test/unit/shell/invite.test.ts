// veil://join invite links: strict parsing of hostile URLs, finding the link in argv, and the inbox's one-shot handoff.
import { describe, expect, it } from 'vitest';
import { buildIpcHandlers } from '../../../main/ipc/handlers';
import type { MainServices } from '../../../main/services';
import { readDevProfile } from '../../../main/shell/dev-profile';
import { findInviteArgument, InviteInbox, MAX_INVITE_URL_LENGTH, parseInviteUrl } from '../../../main/shell/invite';

const good = 'veil://join?server=https%3A%2F%2Fsignal.example.org%3A8443&room=team-7';

describe('parseInviteUrl', () => {
  it('accepts a join link and keeps only the server origin and the room', () => {
    expect(parseInviteUrl(good)).toEqual({ ok: true, invite: { server: 'https://signal.example.org:8443', room: 'team-7' } });
    expect(parseInviteUrl('veil://join/?room=a.b_c&server=wss://S.Example.org/')).toEqual(
      { ok: true, invite: { server: 'https://s.example.org', room: 'a.b_c' } });
  });

  it.each([
    ['x'.repeat(MAX_INVITE_URL_LENGTH + 1), 'too-long'],
    ['not a url', 'not-a-url'],
    ['https://join?server=https://a.example&room=r', 'wrong-scheme'],
    ['javascript:alert(1)//veil://join', 'wrong-scheme'],
    ['veil://app/index.html?server=https://a.example&room=r', 'wrong-target'],
    ['veil://join:99?server=https://a.example&room=r', 'wrong-target'],
    ['veil://join/extra?server=https://a.example&room=r', 'wrong-target'],
    ['veil://user:pw@join?server=https://a.example&room=r', 'has-credentials'],
    ['veil://join?server=https://a.example&room=r#frag', 'has-fragment'],
    ['veil://join?server=https://a.example&room=r&password=hunter2', 'unknown-parameter'],
    ['veil://join?server=https://a.example&room=r&autojoin=1', 'unknown-parameter'],
    ['veil://join?server=https://a.example&server=https://evil.example&room=r', 'repeated-parameter'],
    ['veil://join?room=r', 'bad-server'],
    ['veil://join?server=file:///etc/passwd&room=r', 'bad-server'],
    ['veil://join?server=https://u:p@a.example&room=r', 'bad-server'],
    ['veil://join?server=https://a.example/path&room=r', 'bad-server'],
    ['veil://join?server=https%3A%2F%2Fa.example%3Fx%3D1&room=r', 'bad-server'],
    ['veil://join?server=https://a.example', 'bad-room'],
    ['veil://join?server=https://a.example&room=../../etc', 'bad-room'],
    ['veil://join?server=https://a.example&room=' + 'r'.repeat(65), 'bad-room'],
    ['veil://join?server=https://a.example&room=r%E2%80%AEx', 'bad-room']
  ])('refuses %s (%s)', (url, reason) => {
    expect(parseInviteUrl(url)).toEqual({ ok: false, reason });
  });

  it('refuses what is not a string', () => {
    for (const value of [undefined, null, 42, { href: good }, [good]]) expect(parseInviteUrl(value)).toEqual({ ok: false, reason: 'not-a-url' });
  });
});

describe('findInviteArgument', () => {
  it('takes the last veil: argument among Chromium switches, whatever the scheme case', () => {
    expect(findInviteArgument(['/opt/Veil/veil', '--no-sandbox', 'VEIL://join?x', '--flag', good])).toBe(good);
    expect(findInviteArgument(['/opt/Veil/veil', '--allow-file-access-from-files'])).toBeNull();
    expect(findInviteArgument([])).toBeNull();
  });
});

describe('InviteInbox', () => {
  it('hands the newest accepted link to the page once and tells listeners', () => {
    const inbox = new InviteInbox();
    const heard: unknown[] = [];
    inbox.onInvite((i) => heard.push(i));
    expect(inbox.offerArgv(['electron', '.'])).toBeNull();
    expect(inbox.offerArgv(['electron', '.', good])).toMatchObject({ accepted: true });
    expect(inbox.offer('veil://join?server=http://127.0.0.1:8443&room=later')).toMatchObject({ accepted: true });
    expect(inbox.take()).toEqual({ server: 'http://127.0.0.1:8443', room: 'later' });
    expect(inbox.take()).toBeNull();
    expect(heard).toHaveLength(2);
  });

  it('a refused link changes nothing: the pending invite stays and no listener hears of it', () => {
    const inbox = new InviteInbox();
    let heard = 0;
    inbox.onInvite(() => { heard++; });
    inbox.offer(good);
    heard = 0;
    expect(inbox.offer('veil://join?server=https://evil.example&room=r&password=x')).toEqual({ accepted: false, reason: 'unknown-parameter' });
    expect(inbox.offerArgv(['veil', 'veil://join?server=javascript:alert(1)&room=r'])).toEqual({ accepted: false, reason: 'bad-server' });
    expect(heard).toBe(0);
    expect(inbox.take()).toEqual({ server: 'https://signal.example.org:8443', room: 'team-7' });
  });

  it('is what invite:take answers through the IPC handler map', () => {
    const invites = new InviteInbox();
    const handlers = buildIpcHandlers({ invites } as unknown as MainServices);
    invites.offer(good);
    expect(handlers['invite:take']!()).toEqual({ server: 'https://signal.example.org:8443', room: 'team-7' });
    expect(handlers['invite:take']!()).toBeNull();
  });
});

describe('readDevProfile', () => {
  it('gives a separate data folder and keychain entry to unpackaged runs only', () => {
    const env = { VEIL_USER_DATA_DIR: '/tmp/veil-a/../veil-b', VEIL_KEYCHAIN_SERVICE: 'Veil-test.a' };
    expect(readDevProfile(env, false)).toEqual({ userDataDir: '/tmp/veil-b', keychainService: 'Veil-test.a' });
    expect(readDevProfile(env, true)).toEqual({});
    expect(readDevProfile({}, false)).toEqual({});
  });
  it('refuses a relative folder or a keychain name outside Veil…', () => {
    expect(() => readDevProfile({ VEIL_USER_DATA_DIR: 'rel/dir' }, false)).toThrow(/absolute/);
    expect(() => readDevProfile({ VEIL_KEYCHAIN_SERVICE: 'login' }, false)).toThrow(/VEIL_KEYCHAIN_SERVICE/);
    expect(() => readDevProfile({ VEIL_KEYCHAIN_SERVICE: 'Veil' }, false)).toThrow(/VEIL_KEYCHAIN_SERVICE/);
  });
});
