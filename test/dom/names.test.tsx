// Names in the UI: namesakes disambiguated by fingerprint tag, look-alikes marked, bidi isolation, the namesake decision, room code.
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KeyChangeModal } from '../../renderer/src/features/trust/KeyChangeModal';
import { Participants } from '../../renderer/src/features/trust/Participants';
import { RoomCode } from '../../renderer/src/features/trust/RoomCode';
import { useApp } from '../../renderer/src/store';
import { installFakeVeil } from './fake-veil';

const fp = (head: string) => `${head} ${'0000 '.repeat(15)}`.trim();
const ME = { identityKey: 'M'.repeat(43), fingerprint: fp('aaaa'), createdAt: 0 };

beforeEach(() => {
  localStorage.clear();
  useApp.setState({ phase: 'call', error: null, peers: {}, messages: [], keyChanges: [], verifyFor: null, contacts: {}, alerts: [],
    identity: ME, displayName: 'Me', roomId: 'r', myDtls: 'sha-256 AA:BB', myKey: null });
});
afterEach(cleanup);

const names = () => screen.getAllByTestId('participant').map((p) => p.getAttribute('data-name'));

describe('shown names', () => {
  it('two members named Alice are told apart by their fingerprints, in a bidi isolate', () => {
    useApp.getState().upsertPeer('A1', { displayName: 'Alice', fingerprint: fp('3f9a') });
    useApp.getState().upsertPeer('A2', { displayName: 'Alice', fingerprint: fp('77c1') });
    useApp.getState().upsertPeer('B', { displayName: 'Bob', fingerprint: fp('1234') });
    render(<Participants />);
    expect(names()).toEqual(['Alice · 3F9A', 'Alice · 77C1', 'Bob']);
    expect(screen.getAllByTestId('participant-name').map((e) => e.tagName)).toEqual(['BDI', 'BDI', 'BDI']);
    expect(screen.queryAllByTestId('participant-lookalike')).toHaveLength(0);
  });

  it('tags grow until namesakes with the same fingerprint start differ', () => {
    useApp.getState().upsertPeer('A1', { displayName: 'Alice', fingerprint: '3f9a 0001 0000' });
    useApp.getState().upsertPeer('A2', { displayName: 'Alice', fingerprint: '3f9a 0002 0000' });
    render(<Participants />);
    expect(names()).toEqual(['Alice · 3F9A0001', 'Alice · 3F9A0002']);
  });

  it('marks look-alike spellings (Cyrillic о) and a member using my own name', () => {
    useApp.getState().upsertPeer('B1', { displayName: 'Bob', fingerprint: fp('1111') });
    useApp.getState().upsertPeer('B2', { displayName: 'B\u043eb', fingerprint: fp('2222') });
    useApp.getState().upsertPeer('M2', { displayName: 'Me', fingerprint: fp('bbbb') });
    render(<Participants />);
    expect(names()).toEqual(['Bob · 1111', 'B\u043eb · 2222', 'Me · BBBB']);
    const flags = screen.getAllByTestId('participant').map((p) => p.getAttribute('data-lookalike'));
    expect(flags).toEqual(['yes', 'yes', 'no']);
    expect(screen.getByTestId('participant-self').getAttribute('data-name')).toBe('Me · AAAA');
  });
});

describe('namesake decision', () => {
  it('offers "a different person", which calls trust:markDistinct and unblocks only that key', async () => {
    const { calls } = installFakeVeil({
      'trust:markDistinct': () => ({ identityKey: 'A2', displayName: 'Alice', fingerprint: fp('77c1'), verified: false, firstSeen: 0, lastSeen: 0, origin: 'distinct' })
    });
    useApp.getState().upsertPeer('A1', { displayName: 'Alice', fingerprint: fp('3f9a'), trust: 'known' });
    useApp.getState().upsertPeer('A2', { displayName: 'Alice', fingerprint: fp('77c1'), trust: 'changed',
      claims: { identityKey: 'A1', displayName: 'Alice', fingerprint: fp('3f9a'), verified: false } });
    useApp.getState().addKeyChange('A2');
    render(<KeyChangeModal />);
    const modal = screen.getByTestId('key-change-modal');
    expect(modal.getAttribute('data-name')).toBe('Alice · 77C1');
    expect(modal.getAttribute('data-claims')).toBe('A1');
    expect(modal.textContent).toContain('claims to be');
    fireEvent.click(screen.getByTestId('key-change-distinct'));
    await waitFor(() => expect(useApp.getState().keyChanges).toEqual([]));
    expect(calls.find((c) => c.channel === 'trust:markDistinct')?.args).toEqual(['A2']);
    expect(useApp.getState().peers.A2!.trust).toBe('known');
    expect(useApp.getState().peers.A1!.trust).toBe('known');
  });
});

describe('room code covers the shown names', () => {
  it('changes when the server swaps two members\' names', async () => {
    installFakeVeil({});
    useApp.setState({ myKey: { roomId: 'r', keyId: 'k', epoch: 1, createdAt: 0, expiresAt: 1, bundle: {} as never } });
    const live = { dtlsLive: true, epoch: 2 };
    useApp.getState().upsertPeer('A', { displayName: 'Alice', fingerprint: fp('1111'), dtls: 'sha-256 01:02', ...live });
    useApp.getState().upsertPeer('B', { displayName: 'Bob', fingerprint: fp('2222'), dtls: 'sha-256 03:04', ...live });
    render(<RoomCode />);
    const code = () => screen.getByTestId('room-code').getAttribute('data-code') ?? '';
    await waitFor(() => expect(code()).toMatch(/^\d{30}$/));
    const before = code();
    act(() => {
      useApp.getState().upsertPeer('A', { displayName: 'Bob' });
      useApp.getState().upsertPeer('B', { displayName: 'Alice' });
    });
    await waitFor(() => expect(code()).toMatch(/^\d{30}$/));
    await waitFor(() => expect(code()).not.toBe(before));
  });
});
