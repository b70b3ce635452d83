// Key components in jsdom: lobby (join gating, host addresses and errors), verify dialog, key-change modal, chat status.
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ChatPanel } from '../../renderer/src/features/chat/ChatPanel';
import { Lobby } from '../../renderer/src/features/lobby/Lobby';
import { KeyChangeModal } from '../../renderer/src/features/trust/KeyChangeModal';
import { VerifyDialog } from '../../renderer/src/features/trust/VerifyDialog';
import { useApp } from '../../renderer/src/store';
import { installFakeVeil } from './fake-veil';

const KEY = 'A'.repeat(43);
const contact = (verified: boolean) => ({ identityKey: KEY, displayName: 'Bob', fingerprint: 'abcd', verified, firstSeen: 0, lastSeen: 0, origin: 'continuity' as const });

beforeEach(() => {
  localStorage.clear();
  useApp.setState({ phase: 'lobby', error: null, peers: {}, messages: [], keyChanges: [], verifyFor: null, contacts: {}, alerts: [] });
});
afterEach(cleanup);

describe('Lobby', () => {
  it('enables join only with a name, a valid room and a server address', () => {
    installFakeVeil({});
    render(<Lobby />);
    const join = screen.getByTestId('lobby-join');
    expect((join as HTMLButtonElement).disabled).toBe(true);
    fireEvent.change(screen.getByTestId('lobby-name'), { target: { value: 'Ada' } });
    fireEvent.change(screen.getByTestId('lobby-room'), { target: { value: 'bad room!' } });
    expect((join as HTMLButtonElement).disabled).toBe(true);
    fireEvent.change(screen.getByTestId('lobby-room'), { target: { value: 'good-room' } });
    expect((join as HTMLButtonElement).disabled).toBe(false);
  });

  it('shows the host addresses, or the error text when hosting fails', async () => {
    installFakeVeil({ 'host:start': () => ({ running: true, urls: ['http://10.0.0.5:8443', 'http://127.0.0.1:8443'], port: 8443 }) });
    render(<Lobby />);
    fireEvent.click(screen.getByTestId('lobby-host'));
    expect((await screen.findByTestId('host-urls')).textContent).toContain('http://10.0.0.5:8443');
    expect((screen.getByTestId('lobby-server') as HTMLInputElement).value).toBe('http://127.0.0.1:8443');
    cleanup();
    installFakeVeil({ 'host:start': () => { throw Object.assign(new Error('listen EADDRINUSE: port 8443 in use'), { code: 'internal' }); } });
    render(<Lobby />);
    fireEvent.click(screen.getByTestId('lobby-host'));
    expect((await screen.findByTestId('host-error')).textContent).toContain('EADDRINUSE');
  });

  it('lists recent rooms from localStorage', () => {
    localStorage.setItem('veil.recentRooms', JSON.stringify([{ roomId: 'standup', serverUrl: 'http://s', at: 1 }]));
    installFakeVeil({});
    render(<Lobby />);
    fireEvent.click(screen.getByTestId('recent-room'));
    expect((screen.getByTestId('lobby-room') as HTMLInputElement).value).toBe('standup');
  });
});

describe('VerifyDialog', () => {
  it('shows the 60-digit safety number with a QR code and marks the peer verified', async () => {
    const digits = '123456789012345678901234567890123456789012345678901234567890';
    const { calls } = installFakeVeil({
      'trust:safetyNumber': () => ({ digits, groups: digits.match(/.{5}/g), qrPayload: `veil-sn:${digits}` }),
      'trust:setVerified': (_k, v) => contact(v as boolean)
    });
    useApp.getState().upsertPeer(KEY, { displayName: 'Bob', trust: 'known' });
    act(() => useApp.getState().openVerify(KEY));
    render(<VerifyDialog />);
    const sn = await screen.findByTestId('safety-number');
    expect(sn.getAttribute('data-digits')).toBe(digits);
    expect(sn.querySelectorAll('span')).toHaveLength(12);
    await waitFor(() => expect(screen.getByTestId('safety-qr').getAttribute('src')).toMatch(/^data:image\/png;base64,/));
    fireEvent.click(screen.getByTestId('mark-verified'));
    await waitFor(() => expect(screen.getByTestId('verify-state').getAttribute('data-verified')).toBe('yes'));
    expect(calls.find((c) => c.channel === 'trust:setVerified')?.args).toEqual([KEY, true]);
  });
});

describe('KeyChangeModal', () => {
  it('blocks until the user accepts the new key', async () => {
    const { calls } = installFakeVeil({ 'trust:acceptChange': () => contact(false) });
    useApp.getState().upsertPeer(KEY, { displayName: 'Bob', trust: 'changed', fingerprint: 'ffff' });
    act(() => useApp.getState().addKeyChange(KEY));
    render(<KeyChangeModal />);
    expect((screen.getByTestId('key-change-modal')).textContent).toContain("Bob's security key changed");
    fireEvent.click(screen.getByTestId('key-change-accept'));
    await waitFor(() => expect(screen.queryByTestId('key-change-modal')).toBeNull());
    expect(calls.map((c) => c.channel)).toContain('trust:acceptChange');
    expect(useApp.getState().peers[KEY]!.trust).toBe('known');
  });
});

describe('ChatPanel', () => {
  it('shows per-peer delivery status with failure reasons and rejection warnings', () => {
    installFakeVeil({});
    useApp.getState().upsertPeer('k2', { displayName: 'Bob' });
    useApp.getState().upsertPeer('k3', { displayName: 'Carol' });
    useApp.getState().addMessage({ id: 'm', from: 'me', fromName: 'Ada', text: 'hello', at: 1,
      delivery: { k2: { state: 'delivered' }, k3: { state: 'failed', reason: 'replay: duplicate counter' } } });
    useApp.getState().addMessage({ id: 'w', from: 'system', fromName: 'Bob', text: 'Message from Bob rejected (bad-signature)', at: 2, kind: 'warning' });
    render(<ChatPanel />);
    expect((screen.getByTestId('delivery')).getAttribute('data-status')).toBe('failed');
    const per = screen.getAllByTestId('delivery-peer');
    expect(per.map((p) => p.getAttribute('data-state'))).toEqual(['delivered', 'failed']);
    expect((per[1]!).textContent).toContain('a repeated copy was refused');
    expect((per[1]!).getAttribute('title')).toContain('replay');
    expect((screen.getByTestId('chat-warning')).textContent).toContain('bad-signature');
  });
});
