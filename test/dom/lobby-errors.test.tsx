// Lobby failures people can act on: one message per cause, cleared on edit, inline address checks, recent rooms only when joined.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { joinRoom } from '../../renderer/src/app/actions';
import { Lobby } from '../../renderer/src/features/lobby/Lobby';
import { ConnectFailure, describeJoinFailure, probeServer, serverUrlProblem } from '../../renderer/src/lib/join-errors';
import { VeilError } from '../../renderer/src/lib/veil';
import { SignalingError } from '../../renderer/src/net/signaling';
import { useApp } from '../../renderer/src/store';
import { installFakeVeil } from './fake-veil';

beforeEach(() => {
  localStorage.clear();
  useApp.setState({ phase: 'lobby', error: null, errorDetail: null, alerts: [] });
});
afterEach(cleanup);

/** The shape SignalingClient.request rejects with for a server error ack. */
const ackError = (code: string, reason: string) => new SignalingError(code, `room:join: ${code}: ${reason}`);

describe('describeJoinFailure', () => {
  it('gives each cause its own message', () => {
    const cases: [unknown, string][] = [
      [new ConnectFailure('websocket error', 'silent'), 'unreachable'],
      [new ConnectFailure('timeout', 'skipped'), 'timeout'],
      [new ConnectFailure('websocket error', 'answers'), 'not-veil'],
      [ackError('unauthorized', 'password-missing'), 'password-needed'],
      [ackError('unauthorized', 'password-wrong'), 'password-wrong'],
      [ackError('unauthorized', 'token-expired'), 'token-expired'],
      [ackError('unauthorized', 'token-wrong-room'), 'token-invalid'],
      [ackError('unauthorized', 'proof-origin'), 'proof'],
      [ackError('room-full', 'room holds at most 8 members'), 'room-full'],
      [ackError('rate-limited', 'too many failed joins'), 'rate-limited'],
      [ackError('bad-request', 'invalid payload'), 'version'],
      [new SignalingError('bad-response', 'room:join: malformed answer'), 'version'],
      [new VeilError('denied', 'the user said no'), 'denied'],
      [new VeilError('keychain-locked', 'locked'), 'keychain']
    ];
    const messages = new Set<string>();
    for (const [err, kind] of cases) {
      const f = describeJoinFailure(err);
      expect(f.kind, String(err)).toBe(kind);
      messages.add(f.message);
      // The plain message never carries the raw code; the detail does.
      expect(f.message).not.toMatch(/websocket error|unauthorized|bad-request|password-wrong|token-expired/);
    }
    expect(messages.size).toBe(new Set(cases.map(([, k]) => k)).size);
    expect(describeJoinFailure(ackError('unauthorized', 'password-wrong')).detail).toContain('password-wrong');
  });

  it('nothing listening on this computer (the first-run address) points to an invite or hosting, anywhere else to the address', () => {
    const silent = new ConnectFailure('websocket error', 'silent');
    for (const url of ['http://127.0.0.1:8443', 'http://localhost:8443', 'http://[::1]:8443', 'https://127.1.2.3']) {
      const f = describeJoinFailure(silent, url);
      expect(f.kind, url).toBe('not-hosting');
      expect(f.message).toMatch(/invite link.*Host on this computer/);
    }
    for (const url of ['https://signal.example.org', 'http://192.168.1.20:8443', 'http://127.example.org', undefined]) {
      expect(describeJoinFailure(silent, url).kind, String(url)).toBe('unreachable');
    }
    // Something else answering on this computer is still "not a Veil server".
    expect(describeJoinFailure(new ConnectFailure('websocket error', 'answers'), 'http://127.0.0.1:8443').kind).toBe('not-veil');
  });
});

describe('probeServer', () => {
  let server: Server | null = null;
  afterEach(async () => { await new Promise((r) => (server ? server.close(r) : r(null))); server = null; });

  it('tells "something answers" from "nothing listens"', async () => {
    server = createServer((_req, res) => { res.writeHead(404); res.end('not here'); });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    expect(await probeServer(`http://127.0.0.1:${port}`)).toBe('answers');
    await new Promise((r) => server!.close(r));
    server = null;
    expect(await probeServer(`http://127.0.0.1:${port}`)).toBe('silent');
  });
});

describe('serverUrlProblem', () => {
  it('refuses what is not a usable address, in plain words', () => {
    expect(serverUrlProblem('http://not a host')).toMatch(/not a valid address/);
    expect(serverUrlProblem('signal.example.org')).toMatch(/must start with https:\/\//);
    expect(serverUrlProblem('https://u:p@signal.example.org')).toMatch(/user name and password/);
    expect(serverUrlProblem('')).toMatch(/Enter the server address/);
    expect(serverUrlProblem('https://signal.example.org')).toBeNull();
    expect(serverUrlProblem('http://127.0.0.1:8443')).toBeNull();
  });
});

describe('Lobby', () => {
  const fill = (name: string, room: string, server?: string) => {
    fireEvent.change(screen.getByTestId('lobby-name'), { target: { value: name } });
    fireEvent.change(screen.getByTestId('lobby-room'), { target: { value: room } });
    if (server !== undefined) fireEvent.change(screen.getByTestId('lobby-server'), { target: { value: server } });
  };

  it('says why Join is disabled, and refuses an address with a space inline', () => {
    installFakeVeil({});
    render(<Lobby />);
    const join = screen.getByTestId('lobby-join') as HTMLButtonElement;
    expect(join.disabled).toBe(true);
    expect(screen.getByTestId('lobby-join-reason').textContent).toMatch(/Enter your name/);
    fill('Ada', '');
    expect(screen.getByTestId('lobby-join-reason').textContent).toMatch(/room name/);
    fill('Ada', 'team', 'http://not a host');
    expect(join.disabled).toBe(true);
    expect(screen.getByTestId('lobby-server-problem').textContent).toMatch(/not a valid address/);
    expect(screen.getByTestId('lobby-join-reason').textContent).toMatch(/server address/);
    fill('Ada', 'team', 'http://127.0.0.1:8443');
    expect(join.disabled).toBe(false);
    expect(screen.queryByTestId('lobby-join-reason')).toBeNull();
  });

  it('shows the plain message with the raw cause under Advanced, and clears it when a field is edited', () => {
    installFakeVeil({});
    const f = describeJoinFailure(ackError('unauthorized', 'password-wrong'));
    useApp.setState({ error: f.message, errorDetail: f.detail });
    render(<Lobby />);
    expect(screen.getByTestId('lobby-error').textContent).toMatch(/Wrong room password/);
    expect(screen.getByTestId('lobby-error-detail').textContent).toContain('password-wrong');
    fireEvent.change(screen.getByTestId('lobby-password'), { target: { value: 'another try' } });
    expect(screen.queryByTestId('lobby-error')).toBeNull();
  });

  it('keeps a failed attempt out of recent rooms and out of the next prefill', async () => {
    installFakeVeil({ 'identity:get': () => { throw Object.assign(new Error('keychain locked'), { code: 'internal' }); } });
    await joinRoom({ displayName: 'Ada', serverUrl: 'http://typo.invalid:1', roomId: 'typo-room' });
    expect(useApp.getState().phase).toBe('lobby');
    expect(useApp.getState().error).toBeTruthy();
    expect(useApp.getState().errorDetail).toContain('keychain locked');
    expect(localStorage.getItem('veil.recentRooms')).toBeNull();
    expect(localStorage.getItem('veil.lobby')).toBeNull();
    render(<Lobby />);
    expect(screen.queryByTestId('recent-room')).toBeNull();
    await waitFor(() => expect((screen.getByTestId('lobby-server') as HTMLInputElement).value).toBe('http://127.0.0.1:8443'));
  });
});
