// The call shows the room: announced mic/camera state, avatars, 1:1 and presenter layouts, sharing bar, confirmed leave, shortcuts.
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Chat, parseWire } from '../../renderer/src/app/chat';
import { CallView } from '../../renderer/src/features/call/CallView';
import { initialsOf } from '../../renderer/src/features/call/VideoTile';
import { shortcutOf } from '../../renderer/src/features/call/Controls';
import { useApp } from '../../renderer/src/store';
import { installFakeVeil } from './fake-veil';

const BOB = 'B'.repeat(43);
const CAROL = 'C'.repeat(43);
const enc = (o: unknown) => new TextEncoder().encode(JSON.stringify(o));
/** Enough of a MediaStream for a tile: one video track, no audio (jsdom has no MediaStream). */
const videoStream = { getVideoTracks: () => [{}], getAudioTracks: () => [], getTracks: () => [] } as unknown as MediaStream;

beforeEach(() => {
  localStorage.clear();
  HTMLMediaElement.prototype.play = () => Promise.resolve();
  useApp.setState({ phase: 'call', roomId: 'standup', displayName: 'Ada', peers: {}, messages: [], unread: 0, keyChanges: [], alerts: [],
    muted: false, cameraOff: false, sharing: false, localStream: null, panel: 'chat', transfers: {}, identity: null });
  installFakeVeil({});
});
afterEach(cleanup);

describe('the media state peer message', () => {
  it('is validated strictly and only ever updates an existing peer', async () => {
    expect(parseWire(enc({ t: 'media', mic: false, cam: true, screen: false }))).toEqual({ t: 'media', mic: false, cam: true, screen: false });
    expect(parseWire(enc({ t: 'media', mic: 'no', cam: true, screen: false }))).toBeNull();
    expect(parseWire(enc({ t: 'media', mic: false, cam: true, screen: false, text: 'x' }))).toBeNull();
    expect(parseWire(enc({ t: 'media', mic: false, cam: true }))).toBeNull();
    let plaintext = enc({ t: 'media', mic: false, cam: false, screen: false });
    installFakeVeil({ 'message:open': (_r, sender) => ({ senderIdentityKey: sender, plaintext, sentAt: 1 }) });
    const chat = new Chat(useApp, 'standup', () => null);
    useApp.getState().upsertPeer(BOB, { displayName: 'Bob', sessionOpen: true });
    await chat.receive(BOB, new Uint8Array([1]));
    expect(useApp.getState().peers[BOB]?.media).toEqual({ mic: false, cam: false, screen: false });
    plaintext = enc({ t: 'media', mic: true, cam: true, screen: true });
    await chat.receive(CAROL, new Uint8Array([1]));
    expect(useApp.getState().peers[CAROL]).toBeUndefined();
  });
});

describe('tiles', () => {
  it('show who is muted and an initials avatar when the camera is off', () => {
    useApp.setState({ identity: { identityKey: 'A'.repeat(43), fingerprint: 'f', createdAt: 0 } });
    useApp.getState().upsertPeer(BOB, { displayName: 'Bob Marley', conn: 'connected', stream: videoStream, media: { mic: false, cam: false, screen: false } });
    useApp.getState().upsertPeer(CAROL, { displayName: 'Carol', conn: 'connected', stream: videoStream, media: { mic: true, cam: true, screen: false } });
    render(<CallView />);
    const tiles = screen.getAllByTestId('tile-peer');
    const bob = tiles.find((t) => t.dataset.name === 'Bob Marley')!;
    const carol = tiles.find((t) => t.dataset.name === 'Carol')!;
    expect(bob.dataset).toMatchObject({ mic: 'off', cam: 'off' });
    expect(within(bob).getByTestId('tile-muted').getAttribute('aria-label')).toBe('Microphone off');
    expect(within(bob).getByTestId('tile-avatar').textContent).toBe('BM');
    expect(carol.dataset).toMatchObject({ mic: 'on', cam: 'on' });
    expect(within(carol).queryByTestId('tile-avatar')).toBeNull();
    expect(within(carol).queryByTestId('tile-muted')).toBeNull();
    // Our own tile follows our toggles.
    act(() => useApp.setState({ muted: true, cameraOff: true }));
    expect(screen.getByTestId('tile-self').dataset).toMatchObject({ mic: 'off', cam: 'off' });
  });

  it('initials skip the look-alike tag and fall back to "?"', () => {
    expect(initialsOf('ada lovelace · 1A2B')).toBe('AL');
    expect(initialsOf('Éowyn')).toBe('É');
    expect(initialsOf('  ')).toBe('?');
  });
});

describe('layouts', () => {
  it('a 1:1 shows the other person large and us as a small overlay', () => {
    useApp.getState().upsertPeer(BOB, { displayName: 'Bob', conn: 'connected' });
    render(<CallView />);
    expect(screen.getByTestId('call-view').dataset.layout).toBe('one-to-one');
    expect(screen.getByTestId('tile-self').closest('.cell')!.classList.contains('self-pip')).toBe(true);
    expect(within(screen.getByTestId('grid')).queryByTestId('tile-self')).toBeNull();
    act(() => useApp.getState().upsertPeer(CAROL, { displayName: 'Carol', conn: 'connected' }));
    expect(screen.getByTestId('call-view').dataset.layout).toBe('grid');
    expect(within(screen.getByTestId('grid')).getByTestId('tile-self')).toBeTruthy();
  });

  it('a shared screen gets the presenter layout, shown whole and labelled', () => {
    useApp.getState().upsertPeer(BOB, { displayName: 'Bob', conn: 'connected', stream: videoStream, media: { mic: true, cam: false, screen: true } });
    useApp.getState().upsertPeer(CAROL, { displayName: 'Carol', conn: 'connected' });
    render(<CallView />);
    expect(screen.getByTestId('call-view').dataset.layout).toBe('presenter');
    const main = screen.getByTestId('presenter').querySelector('.presenter-main [data-testid="tile-peer"]')!;
    expect(main.getAttribute('data-name')).toBe('Bob');
    expect(main.classList.contains('presenting')).toBe(true);
    expect(within(main as HTMLElement).getByTestId('tile-presenting').textContent).toBe('Bob is presenting');
    // A screen is never replaced by the avatar, even though the camera is off.
    expect(within(main as HTMLElement).queryByTestId('tile-avatar')).toBeNull();
  });

  it('while we share, a bar says so and stops the share', () => {
    render(<CallView />);
    expect(screen.queryByTestId('sharing-bar')).toBeNull();
    act(() => useApp.setState({ sharing: true }));
    expect(screen.getByTestId('sharing-bar').textContent).toMatch(/You are sharing your screen/);
    expect(screen.getByTestId('sharing-stop').textContent).toBe('Stop sharing');
  });
});

describe('controls', () => {
  it('leaving asks first; Escape cancels and gives focus back to Leave', () => {
    render(<CallView />);
    const leave = screen.getByTestId('leave');
    leave.focus();
    fireEvent.click(leave);
    const dialog = screen.getByTestId('leave-confirm');
    expect(document.activeElement).toBe(screen.getByTestId('leave-confirm-cancel'));
    fireEvent.keyDown(dialog, { key: 'Escape' });
    expect(screen.queryByTestId('leave-confirm')).toBeNull();
    expect(document.activeElement).toBe(leave);
    expect(useApp.getState().phase).toBe('call');
  });

  it('Ctrl/Cmd+D mutes, Ctrl/Cmd+E turns the camera off, Ctrl/Cmd+Shift+H asks to leave; tooltips name them', () => {
    render(<CallView />);
    fireEvent.keyDown(window, { key: 'd', ctrlKey: true });
    expect(useApp.getState().muted).toBe(true);
    fireEvent.keyDown(window, { key: 'd', metaKey: true });
    expect(useApp.getState().muted).toBe(false);
    fireEvent.keyDown(window, { key: 'e', ctrlKey: true });
    expect(useApp.getState().cameraOff).toBe(true);
    fireEvent.keyDown(window, { key: 'd' });
    expect(useApp.getState().muted).toBe(false);
    fireEvent.keyDown(window, { key: 'H', ctrlKey: true, shiftKey: true });
    expect(screen.getByTestId('leave-confirm')).toBeTruthy();
    expect(screen.getByTestId('toggle-mute').getAttribute('title')).toMatch(/Ctrl\+D|⌘D/);
    expect(screen.getByTestId('toggle-camera').getAttribute('title')).toMatch(/Ctrl\+E|⌘E/);
    expect(screen.getByTestId('toggle-share').getAttribute('title')).toMatch(/Shift\+S/);
    expect(screen.getByTestId('leave').getAttribute('title')).toMatch(/Shift\+H/);
    expect(shortcutOf({ key: 's', ctrlKey: true, metaKey: false, shiftKey: true, altKey: false })).toBe('share');
    expect(shortcutOf({ key: 'd', ctrlKey: true, metaKey: false, shiftKey: false, altKey: true })).toBeNull();
  });

  it('arrow keys move between the side tabs', () => {
    render(<CallView />);
    const chat = screen.getByTestId('tab-chat');
    chat.focus();
    fireEvent.keyDown(chat, { key: 'ArrowRight' });
    expect(useApp.getState().panel).toBe('files');
    expect(document.activeElement).toBe(screen.getByTestId('tab-files'));
    fireEvent.keyDown(screen.getByTestId('tab-files'), { key: 'ArrowLeft' });
    fireEvent.keyDown(screen.getByTestId('tab-chat'), { key: 'ArrowLeft' });
    expect(useApp.getState().panel).toBe('settings');
    fireEvent.keyDown(screen.getByTestId('tab-settings'), { key: 'Home' });
    expect(useApp.getState().panel).toBe('chat');
    expect(screen.getByTestId('tab-chat').getAttribute('tabindex')).toBe('0');
    expect(screen.getByTestId('tab-files').getAttribute('tabindex')).toBe('-1');
  });
});

describe('pre-join check in the lobby', () => {
  it('captures only on request, lists mic / camera / speaker, keeps the choice for the call, and stops its tracks', async () => {
    const { Preview } = await import('../../renderer/src/features/lobby/Preview');
    const stopped: string[] = [];
    const track = (kind: string) => ({ kind, stop: () => stopped.push(kind), clone() { return this; }, enabled: true });
    const asked: MediaStreamConstraints[] = [];
    const fakeStream = { getTracks: () => [track('audio'), track('video')], getAudioTracks: () => [], getVideoTracks: () => [] };
    Object.defineProperty(navigator, 'mediaDevices', { configurable: true, value: {
      getUserMedia: (c: MediaStreamConstraints) => { asked.push(c); return Promise.resolve(fakeStream); },
      enumerateDevices: () => Promise.resolve([
        { kind: 'audioinput', deviceId: 'mic-1', label: 'Desk mic' }, { kind: 'videoinput', deviceId: 'cam-1', label: 'Web cam' },
        { kind: 'audiooutput', deviceId: 'spk-1', label: 'Headphones' }
      ]),
      addEventListener() {}, removeEventListener() {}
    } });
    Object.defineProperty(HTMLMediaElement.prototype, 'setSinkId', { configurable: true, value: () => Promise.resolve() });
    useApp.setState({ audioDeviceId: '', videoDeviceId: '', speakerId: '' });
    render(<Preview />);
    expect(asked).toHaveLength(0);
    fireEvent.click(screen.getByTestId('preview-start'));
    await screen.findByText('Desk mic');
    expect(screen.getByTestId('preview-meter').getAttribute('role')).toBe('meter');
    fireEvent.change(screen.getByTestId('preview-mic'), { target: { value: 'mic-1' } });
    expect(useApp.getState().audioDeviceId).toBe('mic-1');
    await screen.findByText('Headphones');
    fireEvent.change(screen.getByTestId('preview-speaker'), { target: { value: 'spk-1' } });
    expect(useApp.getState().speakerId).toBe('spk-1');
    expect(JSON.parse(localStorage.getItem('veil.prefs')!)).toMatchObject({ speakerId: 'spk-1' });
    // The new microphone is captured with exactly that device; the previous capture was stopped.
    await waitFor(() => expect(asked.at(-1)).toMatchObject({ audio: { deviceId: { exact: 'mic-1' } } }));
    expect(stopped).toEqual(expect.arrayContaining(['audio', 'video']));
    fireEvent.click(screen.getByTestId('preview-stop'));
    expect(stopped.length).toBeGreaterThanOrEqual(4);
    delete (HTMLMediaElement.prototype as { setSinkId?: unknown }).setSinkId;
  });
});
