// Store slices: delivery status only moves forward, peers upsert/remove, key-change queue, alerts.
import { describe, expect, it } from 'vitest';
import { createAppStore } from '../../renderer/src/store';
import { summarize } from '../../renderer/src/store/chat-slice';

describe('chat slice', () => {
  it('tracks delivery per recipient and never moves backwards except to failed', () => {
    const s = createAppStore();
    s.getState().addMessage({ id: 'm1', from: 'me', fromName: 'A', text: 'hi', at: 1, delivery: { b: { state: 'sending' }, c: { state: 'sending' } } });
    s.getState().setDelivery('m1', 'b', { state: 'delivered' });
    s.getState().setDelivery('m1', 'b', { state: 'sent' });
    expect(s.getState().messages[0]!.delivery!.b!.state).toBe('delivered');
    expect(summarize(s.getState().messages[0]!.delivery)).toBe('sending');
    s.getState().setDelivery('m1', 'c', { state: 'failed', reason: 'replay' });
    expect(s.getState().messages[0]!.delivery!.c).toEqual({ state: 'failed', reason: 'replay' });
    expect(summarize(s.getState().messages[0]!.delivery)).toBe('failed');
  });

  it('ignores duplicate message ids and summarizes all-delivered', () => {
    const s = createAppStore();
    const m = { id: 'x', from: 'me', fromName: 'A', text: 't', at: 1, delivery: { b: { state: 'delivered' as const } } };
    s.getState().addMessage(m);
    s.getState().addMessage(m);
    expect(s.getState().messages).toHaveLength(1);
    expect(summarize(m.delivery)).toBe('delivered');
    expect(summarize(undefined)).toBe('none');
  });
});

describe('peers and trust slices', () => {
  it('upserts peers with defaults, patches and removes them', () => {
    const s = createAppStore();
    s.getState().upsertPeer('k1', { displayName: 'Bob', peerId: 'p1' });
    expect(s.getState().peers.k1).toMatchObject({ displayName: 'Bob', conn: 'waiting', trust: 'new', present: true, dtlsLive: false });
    s.getState().upsertPeer('k1', { conn: 'connected' });
    expect(s.getState().peers.k1!.displayName).toBe('Bob');
    s.getState().removePeer('k1');
    expect(s.getState().peers).toEqual({});
  });

  it('queues each key change once and resolves it', () => {
    const s = createAppStore();
    s.getState().addKeyChange('k');
    s.getState().addKeyChange('k');
    expect(s.getState().keyChanges).toEqual(['k']);
    s.getState().resolveKeyChange('k');
    expect(s.getState().keyChanges).toEqual([]);
  });

  it('keeps at most five alerts', () => {
    const s = createAppStore();
    for (let i = 0; i < 8; i++) s.getState().pushAlert(`a${i}`);
    expect(s.getState().alerts.map((a) => a.text)).toEqual(['a3', 'a4', 'a5', 'a6', 'a7']);
  });
});
