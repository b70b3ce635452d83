// The room code in the call: stable across key rotations and reconnections, changed by a join, a leave or a new identity key; a click explains it.
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RoomCode } from '../../renderer/src/features/trust/RoomCode';
import { useApp } from '../../renderer/src/store';
import { installFakeVeil } from './fake-veil';

const fp = (head: string) => `${head} ${'0000 '.repeat(15)}`.trim();
const myKey = (epoch: number) => ({ roomId: 'r', keyId: `k${epoch}`, epoch, createdAt: 0, expiresAt: 1, bundle: {} as never });
const live = (dtls: string, epoch: number) => ({ dtls, dtlsLive: true, epoch });

beforeEach(() => {
  installFakeVeil({});
  useApp.setState({ phase: 'call', peers: {}, contacts: {}, alerts: [], identity: { identityKey: 'M'.repeat(43), fingerprint: fp('aaaa'), createdAt: 0 },
    displayName: 'Me', roomId: 'r', myDtls: 'sha-256 AA:BB', myKey: myKey(1) });
  useApp.getState().upsertPeer('A'.repeat(43), { displayName: 'Alice', fingerprint: fp('1111'), ...live('sha-256 01:02', 5) });
  useApp.getState().upsertPeer('B'.repeat(43), { displayName: 'Bob', fingerprint: fp('2222'), ...live('sha-256 03:04', 7) });
});
afterEach(cleanup);

const code = () => screen.getByTestId('room-code').getAttribute('data-code') ?? '';
/** Waits for a full code that differs from `not` (or any full code). */
async function settled(not?: string): Promise<string> {
  await waitFor(() => { expect(code()).toMatch(/^\d{30}$/); if (not !== undefined) expect(code()).not.toBe(not); });
  return code();
}

describe('room code', () => {
  it('stays the same when everyone rotates room keys and links reconnect with new certificates', async () => {
    render(<RoomCode />);
    const before = await settled();
    act(() => {
      useApp.setState({ myKey: myKey(2), myDtls: 'sha-256 CC:DD' });
      useApp.getState().upsertPeer('A'.repeat(43), live('sha-256 09:09', 6));
      useApp.getState().upsertPeer('B'.repeat(43), live('sha-256 08:08', 8));
    });
    // The recomputation runs after the state change; give it the same chance to differ as a real change gets below.
    const sameRoom = await roomCodeAfterRender();
    expect(sameRoom).toBe(before);
  });

  it('changes when someone joins, leaves, or comes back with a new identity key', async () => {
    render(<RoomCode />);
    const start = await settled();
    act(() => { useApp.getState().upsertPeer('C'.repeat(43), { displayName: 'Carol', fingerprint: fp('3333'), ...live('sha-256 05:06', 1) }); });
    const joined = await settled(start);
    act(() => { useApp.getState().removePeer('C'.repeat(43)); });
    const left = await settled(joined);
    expect(left).toBe(start);
    // Bob's identity key changes (same name, new key): a different member as far as the code is concerned.
    act(() => {
      useApp.getState().removePeer('B'.repeat(43));
      useApp.getState().upsertPeer('b'.repeat(43), { displayName: 'Bob', fingerprint: fp('9999'), ...live('sha-256 03:04', 7) });
    });
    await settled(start);
  });

  it('explains how to use it on a click', async () => {
    render(<RoomCode />);
    await settled();
    fireEvent.click(screen.getByTestId('room-code'));
    expect(screen.getByTestId('room-code-help-text').textContent).toMatch(/Read these digits to each other over a call or in person; if they match, nobody is in the\s+middle/);
    fireEvent.click(screen.getByTestId('room-code-help-close'));
    expect(screen.queryByTestId('room-code-help')).toBeNull();
  });
});

/**
 * The code once React has re-rendered and the digest promise of the new entries has settled: a fresh RoomCode for the
 * current state computes from scratch, so it is the code the current state yields (no timing guess involved).
 */
async function roomCodeAfterRender(): Promise<string> {
  cleanup();
  render(<RoomCode />);
  return settled();
}
