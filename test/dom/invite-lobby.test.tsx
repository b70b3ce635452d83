// Invites in the lobby and the call: links from main and from a paste fill server and room (never join), the host's link and password apart, the call's invite with its QR.
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import QRCode from 'qrcode';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CallInvite } from '../../renderer/src/features/invite/CallInvite';
import { qrPath } from '../../renderer/src/features/invite/InviteQr';
import { inviteAddress } from '../../renderer/src/features/lobby/HostPanel';
import { Lobby } from '../../renderer/src/features/lobby/Lobby';
import { addressReach, buildInviteLink, parsePastedInvite } from '../../renderer/src/lib/invite-link';
import { useApp } from '../../renderer/src/store';
import { installFakeVeil } from './fake-veil';

const stopped = { running: false, urls: [], port: null, bind: null, address: null, password: null, invite: null };
const value = (id: string) => (screen.getByTestId(id) as HTMLInputElement).value;

let clipboard: string[] = [];
beforeEach(() => {
  localStorage.clear();
  clipboard = [];
  Object.defineProperty(navigator, 'clipboard', { configurable: true, value: { writeText: async (t: string) => { clipboard.push(t); } } });
  useApp.setState({ phase: 'lobby', error: null, errorDetail: null });
});
afterEach(cleanup);

describe('invite links in the page', () => {
  it('builds the link main accepts and reads it back; refuses extras, passwords and bad rooms', () => {
    const link = buildInviteLink('https://signal.example.org/', 'team-standup');
    expect(link).toBe('veil://join?server=https%3A%2F%2Fsignal.example.org&room=team-standup');
    expect(parsePastedInvite(link!)).toEqual({ server: 'https://signal.example.org', room: 'team-standup' });
    expect(parsePastedInvite('  https://signal.example.org:8443   standup\n')).toEqual({ server: 'https://signal.example.org:8443', room: 'standup' });
    for (const bad of [
      'veil://join?server=https%3A%2F%2Fs.example&room=r&password=x', 'veil://join?server=https%3A%2F%2Fs.example&room=r&room=q',
      'veil://join?server=https%3A%2F%2Fs.example%2Fpath&room=r', 'veil://join?server=https%3A%2F%2Fs.example&room=no%20spaces',
      'veil://join?server=javascript%3Aalert(1)&room=r', 'veil://evil?server=https%3A%2F%2Fs.example&room=r', 'https://s.example',
      'https://user:pw@s.example room', 'https://s.example room extra', `veil://join?server=https%3A%2F%2Fs.example&room=${'a'.repeat(3000)}`
    ]) expect(parsePastedInvite(bad), bad).toBeNull();
    expect(buildInviteLink('https://s.example/path', 'r')).toBeNull();
    expect(buildInviteLink('https://s.example', 'bad room')).toBeNull();
  });

  it('says who can reach an address', () => {
    expect(addressReach('http://127.0.0.1:8443')).toBe('this-computer');
    expect(addressReach('http://[::1]:8443')).toBe('this-computer');
    for (const u of ['http://10.1.2.3:1', 'http://172.20.0.1:1', 'http://192.168.1.9:1', 'http://[fd00::1]:1']) expect(addressReach(u), u).toBe('local-network');
    for (const u of ['http://172.32.0.1:1', 'http://8.8.8.8:1', 'https://signal.example.org']) expect(addressReach(u), u).toBe('internet');
    expect(inviteAddress(['http://203.0.113.4:8443', 'http://192.168.1.9:8443', 'http://127.0.0.1:8443'])).toBe('http://192.168.1.9:8443');
    expect(inviteAddress(['http://127.0.0.1:8443'])).toBe('http://127.0.0.1:8443');
  });

  it('draws the QR of exactly the link (the matrix the library makes for it)', () => {
    const link = buildInviteLink('https://s.example', 'room')!;
    const { size, path } = qrPath(link);
    const modules = QRCode.create(link, { errorCorrectionLevel: 'M' }).modules;
    expect(size).toBe(modules.size + 8);
    let dark = 0;
    for (let i = 0; i < modules.data.length; i++) dark += modules.data[i] ? 1 : 0;
    expect(path.split('M').length - 1).toBe(dark);
    expect(qrPath(buildInviteLink('https://s.example', 'other')!).path).not.toBe(path);
  });
});

describe('Lobby', () => {
  it('fills server and room from the invite main holds, at start and when the window comes back, and never joins', async () => {
    const pending = [{ server: 'https://a.example', room: 'first' }, null, { server: 'https://b.example:8443', room: 'second' }];
    const { calls } = installFakeVeil({ 'invite:take': () => pending.shift() ?? null, 'host:status': () => stopped, 'host:interfaces': () => [] });
    render(<Lobby />);
    await waitFor(() => expect(value('lobby-room')).toBe('first'));
    expect(value('lobby-server')).toBe('https://a.example');
    act(() => { window.dispatchEvent(new Event('focus')); });
    await waitFor(() => expect(calls.filter((c) => c.channel === 'invite:take')).toHaveLength(2));
    expect(value('lobby-room')).toBe('first');
    act(() => { window.dispatchEvent(new Event('focus')); });
    await waitFor(() => expect(value('lobby-room')).toBe('second'));
    expect(value('lobby-server')).toBe('https://b.example:8443');
    expect(calls.some((c) => c.channel === 'app:allowServer' || c.channel === 'identity:get')).toBe(false);
    expect(useApp.getState().phase).toBe('lobby');
  });

  it('a pasted link fills both fields; other pastes go in as typed', async () => {
    installFakeVeil({ 'invite:take': () => null, 'host:status': () => stopped, 'host:interfaces': () => [] });
    render(<Lobby />);
    const server = screen.getByTestId('lobby-server');
    const paste = (text: string) => fireEvent.paste(server, { clipboardData: { getData: () => text } });
    expect(paste('veil://join?server=https%3A%2F%2Fs.example&room=r1')).toBe(false);
    expect(value('lobby-server')).toBe('https://s.example');
    expect(value('lobby-room')).toBe('r1');
    expect(paste('https://t.example  r2')).toBe(false);
    expect(value('lobby-server')).toBe('https://t.example');
    expect(value('lobby-room')).toBe('r2');
    // Not an invite: the browser's own paste proceeds (the event is not cancelled) and the room stays.
    expect(paste('https://u.example')).toBe(true);
    expect(value('lobby-room')).toBe('r2');
  });

  it('sends the join token with the join and stores it nowhere', async () => {
    const { calls } = installFakeVeil({ 'invite:take': () => null, 'host:status': () => stopped, 'host:interfaces': () => [],
      'app:allowServer': () => ({ origin: 'http://127.0.0.1:1', reloadRequired: true }) });
    render(<Lobby />);
    fireEvent.change(screen.getByTestId('lobby-name'), { target: { value: 'Ada' } });
    fireEvent.change(screen.getByTestId('lobby-server'), { target: { value: 'http://127.0.0.1:1' } });
    fireEvent.change(screen.getByTestId('lobby-room'), { target: { value: 'team' } });
    fireEvent.change(screen.getByTestId('lobby-token'), { target: { value: ' eyJhbGciOiJIUzI1NiJ9.e30.sig ' } });
    fireEvent.click(screen.getByTestId('lobby-join'));
    await waitFor(() => expect(calls.some((c) => c.channel === 'app:allowServer')).toBe(true));
    // The reload-resume stash is the one place it may live (sessionStorage, read once); localStorage never has it.
    await waitFor(() => expect(sessionStorage.getItem('veil.pendingJoin')).toContain('"token":"eyJhbGciOiJIUzI1NiJ9.e30.sig"'));
    expect(JSON.stringify({ ...localStorage })).not.toContain('eyJhbGci');
    sessionStorage.clear();
  });

  it('hosting shows one invite link and the password apart, each copyable, and which address suits which network', async () => {
    const running = {
      running: true, urls: ['http://192.168.1.9:8443', 'http://127.0.0.1:8443'], port: 8443, bind: 'all', address: '0.0.0.0',
      password: 'Zx9-pw-AAAAAAAAAAAAAAAAAA', invite: 'x'
    };
    installFakeVeil({ 'invite:take': () => null, 'host:status': () => running, 'host:interfaces': () => [] });
    render(<Lobby />);
    expect((await screen.findByTestId('host-invite-needs-room')).textContent).toMatch(/room name/);
    fireEvent.change(screen.getByTestId('lobby-room'), { target: { value: 'team' } });
    const link = screen.getByTestId('host-invite-link').textContent!;
    expect(link).toBe('veil://join?server=http%3A%2F%2F192.168.1.9%3A8443&room=team');
    expect(link).not.toContain(running.password);
    expect(screen.getByTestId('host-password').textContent).toBe(running.password);
    fireEvent.click(screen.getByTestId('host-copy-link'));
    fireEvent.click(screen.getByTestId('host-copy-password'));
    await waitFor(() => expect(clipboard).toEqual([link, running.password]));
    expect(screen.getAllByTestId('host-url-reach').map((e) => e.getAttribute('data-reach'))).toEqual(['local-network', 'this-computer']);
    fireEvent.click(screen.getAllByTestId('host-url')[1]!);
    expect(screen.getByTestId('host-invite-link').textContent).toContain('127.0.0.1');
    // After a reload the lobby is filled for the host's own join.
    expect(value('lobby-server')).toBe('http://127.0.0.1:8443');
    expect(value('lobby-password')).toBe(running.password);
  });
});

describe('Invite in the call', () => {
  it('shows the room link with its QR and copies it', async () => {
    installFakeVeil({});
    useApp.setState({ serverUrl: 'https://s.example', roomId: 'standup' });
    render(<CallInvite />);
    fireEvent.click(screen.getByTestId('call-invite'));
    expect(screen.getByTestId('invite-link').textContent).toBe('veil://join?server=https%3A%2F%2Fs.example&room=standup');
    expect(screen.getByTestId('invite-qr').querySelector('path')?.getAttribute('d')).toBe(qrPath(screen.getByTestId('invite-link').textContent!).path);
    fireEvent.click(screen.getByTestId('invite-copy'));
    await waitFor(() => expect(screen.getByTestId('invite-copy').getAttribute('data-state')).toBe('copied'));
    expect(clipboard).toEqual(['veil://join?server=https%3A%2F%2Fs.example&room=standup']);
    fireEvent.keyDown(screen.getByTestId('invite-dialog'), { key: 'Escape' });
    expect(screen.queryByTestId('invite-dialog')).toBeNull();
  });
});
