// Peer strings shown bidi-safe, the screen picker dialog, and the lobby's room password and hosting controls.
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ScreenPicker } from '../../renderer/src/features/call/ScreenPicker';
import { ChatPanel } from '../../renderer/src/features/chat/ChatPanel';
import { FileNotices } from '../../renderer/src/features/files/FileNotices';
import { TransferRow } from '../../renderer/src/features/files/TransferRow';
import type { FileActions } from '../../renderer/src/features/files/file-actions';
import { Lobby } from '../../renderer/src/features/lobby/Lobby';
import { hasBidiControls, safeText } from '../../renderer/src/lib/safe-text';
import { useApp } from '../../renderer/src/store';
import type { TransferEntry } from '../../renderer/src/store/files-slice';
import { installFakeVeil } from './fake-veil';

const RLO = '\u202E';
const spoofed = `invoice${RLO}fdp.exe`;
const noActions: FileActions = { accept: vi.fn(), decline: vi.fn(), cancel: vi.fn(), save: vi.fn() } as unknown as FileActions;
const row = (patch: Partial<TransferEntry>): TransferEntry => ({
  id: 'id', direction: 'in', peer: 'B', peerName: 'Bob', name: 'a.bin', size: 1000, state: 'offered', bytesDone: 0, speed: 0, etaSeconds: null, ...patch
});

beforeEach(() => {
  localStorage.clear();
  useApp.setState({ phase: 'lobby', error: null, peers: {}, messages: [], transfers: {}, fileNotices: [], alerts: [] });
});
afterEach(cleanup);

describe('safeText', () => {
  it.each([
    ['\u202A', '⟨LRE⟩'], ['\u202B', '⟨RLE⟩'], ['\u202C', '⟨PDF⟩'], ['\u202D', '⟨LRO⟩'], ['\u202E', '⟨RLO⟩'],
    ['\u2066', '⟨LRI⟩'], ['\u2067', '⟨RLI⟩'], ['\u2068', '⟨FSI⟩'], ['\u2069', '⟨PDI⟩'],
    ['\u200E', '⟨LRM⟩'], ['\u200F', '⟨RLM⟩'], ['\u061C', '⟨ALM⟩']
  ])('shows %j visibly as %s', (ch, shown) => {
    expect(safeText(`a${ch}b`)).toBe(`a${shown}b`);
    expect(hasBidiControls(`a${ch}b`)).toBe(true);
  });
  it('leaves ordinary text, including right-to-left letters, untouched', () => {
    for (const s of ['report.pdf', 'שלום.txt', 'مرحبا', 'naïve café 😀']) {
      expect(safeText(s)).toBe(s);
      expect(hasBidiControls(s)).toBe(false);
    }
  });
  it('shows other control characters as code points', () => {
    expect(safeText('a\u0000b\u001bc\u0085d')).toBe('a⟨U+0000⟩b⟨U+001B⟩c⟨U+0085⟩d');
  });
  it('neutralises the classic spoof', () => {
    expect(safeText(spoofed)).toBe('invoice⟨RLO⟩fdp.exe');
  });
});

describe('peer strings in the UI', () => {
  it('a file row with an RLO name shows it neutralised and isolated', () => {
    render(<ul><TransferRow t={row({ name: spoofed, mime: `text/plain${RLO}` } as Partial<TransferEntry>)} actions={noActions} /></ul>);
    const name = screen.getByTestId('transfer-name');
    expect(name.textContent).toBe('invoice⟨RLO⟩fdp.exe');
    expect(name.closest('bdi') ?? name.querySelector('bdi')).not.toBeNull();
    expect(document.body.textContent).not.toContain(RLO);
    expect(name.getAttribute('title')).toBe('invoice⟨RLO⟩fdp.exe');
  });
  it('a chat message with bidi controls is shown neutralised', () => {
    useApp.setState({ messages: [{ id: 'm', from: 'B', fromName: 'Bob', text: `pay to ${RLO}1234`, at: 0 } as never] });
    render(<ChatPanel />);
    expect(screen.getByTestId('chat-text').textContent).toBe('pay to ⟨RLO⟩1234');
    expect(screen.getByTestId('chat-text').querySelector('bdi')).not.toBeNull();
  });
  it('a file notice embedding a peer file name is shown neutralised', () => {
    useApp.setState({ transfers: { t: row({ id: 't' }) }, fileNotices: [{ id: 1, transferId: 't', text: `Bob wants to send you "${spoofed}"` } as never] });
    render(<FileNotices />);
    expect(screen.getByTestId('file-notice').textContent).toContain('invoice⟨RLO⟩fdp.exe');
    expect(screen.getByTestId('file-notice').textContent).not.toContain(RLO);
  });
});

describe('ScreenPicker', () => {
  const sources = [
    { id: 'screen:0:0', kind: 'screen', name: 'Entire screen', thumbnail: 'data:image/png;base64,AAAA' },
    { id: 'window:42:0', kind: 'window', name: `Editor${RLO}`, thumbnail: '' }
  ];
  it('lists screens and windows, and tells main the chosen one before sharing starts', async () => {
    const { calls } = installFakeVeil({ 'media:listSources': () => sources, 'media:chooseSource': () => null });
    const picked = vi.fn();
    render(<ScreenPicker onPicked={picked} onClose={vi.fn()} />);
    const options = await screen.findAllByTestId('picker-source');
    expect(options.map((o) => o.textContent)).toEqual(['Entire screen', 'Editor⟨RLO⟩']);
    expect(screen.getByRole('dialog').getAttribute('aria-modal')).toBe('true');
    fireEvent.click(options[1]!);
    await waitFor(() => expect(picked).toHaveBeenCalledTimes(1));
    expect(calls.filter((c) => c.channel === 'media:chooseSource').map((c) => c.args)).toEqual([['window:42:0']]);
  });
  it('Escape closes it without choosing anything', async () => {
    const { calls } = installFakeVeil({ 'media:listSources': () => sources, 'media:chooseSource': () => null });
    const close = vi.fn();
    const picked = vi.fn();
    render(<ScreenPicker onPicked={picked} onClose={close} />);
    await screen.findAllByTestId('picker-source');
    fireEvent.keyDown(screen.getByRole('dialog'), { key: 'Escape' });
    expect(close).toHaveBeenCalledTimes(1);
    expect(picked).not.toHaveBeenCalled();
    expect(calls.some((c) => c.channel === 'media:chooseSource')).toBe(false);
  });
  it('focuses the first source so the keyboard works at once', async () => {
    installFakeVeil({ 'media:listSources': () => sources, 'media:chooseSource': () => null });
    render(<ScreenPicker onPicked={vi.fn()} onClose={vi.fn()} />);
    const options = await screen.findAllByTestId('picker-source');
    await waitFor(() => expect(document.activeElement).toBe(options[0]));
  });
  it('says so when main lists nothing or refuses', async () => {
    installFakeVeil({ 'media:listSources': () => { throw Object.assign(new Error('screen sharing is not available here'), { code: 'bad-state' }); } });
    render(<ScreenPicker onPicked={vi.fn()} onClose={vi.fn()} />);
    expect((await screen.findByTestId('picker-error')).textContent).toContain('not available');
  });
});

describe('Lobby: room password and hosting', () => {
  const running = {
    running: true, urls: ['http://127.0.0.1:8443'], port: 8443, bind: 'loopback', address: '127.0.0.1',
    password: 'Zx9-pw-AAAAAAAAAAAAAAAAAA', invite: 'Join me on Veil. Server address: http://127.0.0.1:8443 · Room password: Zx9-pw-AAAAAAAAAAAAAAAAAA'
  };
  const stopped = { running: false, urls: [], port: null, bind: null, address: null, password: null, invite: null };

  it('has a room password field; the password is never written to recent rooms', async () => {
    installFakeVeil({ 'host:status': () => stopped, 'host:interfaces': () => [],
      'app:allowServer': () => ({ origin: 'http://127.0.0.1:8443', reloadRequired: false }),
      'identity:get': () => { throw Object.assign(new Error('locked'), { code: 'keychain-locked' }); } });
    render(<Lobby />);
    fireEvent.change(screen.getByTestId('lobby-name'), { target: { value: 'Ada' } });
    fireEvent.change(screen.getByTestId('lobby-room'), { target: { value: 'team' } });
    const pw = screen.getByTestId('lobby-password') as HTMLInputElement;
    expect(pw.type).toBe('password');
    fireEvent.change(pw, { target: { value: 'sekrit-room-pass' } });
    fireEvent.click(screen.getByTestId('lobby-join'));
    await waitFor(() => expect(useApp.getState().error).toMatch(/locked/));
    // A failed join is not remembered at all (test/dom/lobby-errors); nothing typed in the password field is stored either.
    const stored = JSON.stringify({ ...localStorage, ...sessionStorage });
    expect(stored).not.toContain('sekrit-room-pass');
  });

  it('asks main to allow the server before connecting, and stops when the user refused it', async () => {
    const { calls } = installFakeVeil({ 'host:status': () => stopped, 'host:interfaces': () => [],
      'app:allowServer': () => { throw Object.assign(new Error('the user did not allow https://x.example'), { code: 'denied' }); } });
    render(<Lobby />);
    fireEvent.change(screen.getByTestId('lobby-name'), { target: { value: 'Ada' } });
    fireEvent.change(screen.getByTestId('lobby-server'), { target: { value: 'https://x.example' } });
    fireEvent.change(screen.getByTestId('lobby-room'), { target: { value: 'team' } });
    fireEvent.click(screen.getByTestId('lobby-join'));
    await waitFor(() => expect(useApp.getState().error).toMatch(/did not allow/));
    expect(calls.find((c) => c.channel === 'app:allowServer')?.args).toEqual(['https://x.example']);
    expect(calls.some((c) => c.channel === 'identity:get')).toBe(false);
  });

  it('hosts where the user chose, shows the invite with the password, and stops', async () => {
    const { calls } = installFakeVeil({ 'host:status': () => stopped, 'host:interfaces': () => [{ name: 'eth0', address: '10.0.0.5' }],
      'host:start': () => running, 'host:stop': () => stopped });
    render(<Lobby />);
    fireEvent.click(await screen.findByTestId('host-bind-interface'));
    fireEvent.click(screen.getByTestId('lobby-host'));
    expect((await screen.findByTestId('host-password')).textContent).toBe(running.password);
    expect(calls.find((c) => c.channel === 'host:start')?.args).toEqual([{ bind: 'interface', address: '10.0.0.5' }]);
    expect((screen.getByTestId('lobby-password') as HTMLInputElement).value).toBe(running.password);
    fireEvent.click(screen.getByTestId('host-stop'));
    await waitFor(() => expect(screen.queryByTestId('host-password')).toBeNull());
  });

  it('shows a running server after a reload (main owns the state)', async () => {
    installFakeVeil({ 'host:status': () => running, 'host:interfaces': () => [] });
    render(<Lobby />);
    expect((await screen.findByTestId('host-urls')).textContent).toContain('http://127.0.0.1:8443');
    expect(screen.getByTestId('host-stop')).toBeTruthy();
  });
});
