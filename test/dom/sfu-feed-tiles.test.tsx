// SFU feed tiles: two feeds that both open under one member's keys are both marked (a member holding that key forged one).
import { act, cleanup, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CallView } from '../../renderer/src/features/call/CallView';
import { useApp } from '../../renderer/src/store';
import { installFakeVeil } from './fake-veil';

const DANA = 'D'.repeat(43);
const ERIN = 'E'.repeat(43);
const stream = { getVideoTracks: () => [{}], getAudioTracks: () => [], getTracks: () => [] } as unknown as MediaStream;

beforeEach(() => {
  localStorage.clear();
  HTMLMediaElement.prototype.play = () => Promise.resolve();
  useApp.setState({ phase: 'call', roomId: 'big', displayName: 'Ada', peers: {}, messages: [], unread: 0, keyChanges: [], alerts: [],
    muted: false, cameraOff: false, sharing: false, localStream: null, panel: 'chat', transfers: {}, identity: null, feeds: {} });
  useApp.getState().setSfu({ state: 'live', room: 7 });
  useApp.getState().upsertPeer(DANA, { displayName: 'Dana', peerId: 'peer-dana-0001', present: true });
  useApp.getState().upsertPeer(ERIN, { displayName: 'Erin', peerId: 'peer-erin-0001', present: true });
  installFakeVeil({});
});
afterEach(cleanup);

const tiles = () => screen.getAllByTestId('tile-feed').map((t) => ({
  feed: t.dataset.feed, contested: t.dataset.contested === 'true', notice: t.querySelector('[data-testid="tile-notice"]')?.textContent ?? ''
}));

describe('SFU feed tiles', () => {
  it('one feed per member shows no warning; a second feed under Dana marks both of Dana\'s, not Erin\'s', () => {
    const s = useApp.getState();
    s.upsertFeed({ feedId: 1, peerId: 'peer-dana-0001', state: 'decrypting', stream });
    s.upsertFeed({ feedId: 2, peerId: 'peer-erin-0001', state: 'decrypting', stream });
    render(<CallView />);
    expect(tiles().every((t) => !t.contested && t.notice === '')).toBe(true);
    act(() => s.upsertFeed({ feedId: 3, peerId: 'peer-dana-0001', state: 'decrypting', stream }));
    const now = tiles();
    expect(now.filter((t) => t.contested).map((t) => t.feed).sort()).toEqual(['1', '3']);
    for (const t of now.filter((x) => x.contested)) expect(t.notice.replace(/[\u2066-\u2069]/g, '')).toBe('more than one video claims to be Dana: only one of them can be');
    expect(now.find((t) => t.feed === '2')?.contested).toBe(false);
    // Once the extra feed goes, Dana's tile is plain again.
    act(() => s.removeFeed(3));
    expect(tiles().every((t) => !t.contested)).toBe(true);
    // A feed under Dana's name that does not open (no key holder behind it) says so itself and marks nothing.
    act(() => s.upsertFeed({ feedId: 4, peerId: 'peer-dana-0001', state: 'cannot-decrypt', stream: null }));
    const withImpostor = tiles();
    expect(withImpostor.every((t) => !t.contested)).toBe(true);
    expect(withImpostor.find((t) => t.feed === '4')?.notice.replace(/[\u2066-\u2069]/g, '')).toBe("can't decrypt Dana's video");
  });
});
