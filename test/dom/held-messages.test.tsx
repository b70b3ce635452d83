// Messages held while no proven link exists: outbox bounds and order, "waiting for <name>" words, nothing sealed to an unaccepted key.
import { act, cleanup, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Chat } from '../../renderer/src/app/chat';
import { MAX_HELD_BYTES_PER_PEER, MAX_HELD_BYTES_TOTAL, MAX_HELD_PER_PEER, Outbox } from '../../renderer/src/app/outbox';
import { ChatPanel } from '../../renderer/src/features/chat/ChatPanel';
import type { Mesh } from '../../renderer/src/rtc/mesh';
import { useApp } from '../../renderer/src/store';
import { installFakeVeil } from './fake-veil';

const ALICE = 'A'.repeat(43);
const CAROL = 'C'.repeat(43);
const dec = new TextDecoder();

/** A mesh stand-in: which peers have a proven link, and what went out on each. */
function fakeMesh() {
  const ready = new Set<string>();
  const sent: { to: string; bytes: Uint8Array }[] = [];
  const mesh = { isReady: (k: string) => ready.has(k), send: (to: string, bytes: Uint8Array) => { sent.push({ to, bytes }); } } as unknown as Mesh;
  return { mesh, ready, sent };
}

let sealed: { to: string; wire: Record<string, unknown> }[] = [];

beforeEach(() => {
  sealed = [];
  useApp.setState({ phase: 'call', roomId: 'r', displayName: 'Bob', peers: {}, messages: [], keyChanges: [], heldBy: {}, alerts: [],
    security: { refusals: {}, invalidEvents: {} } });
  for (const [key, name] of [[ALICE, 'Alice'], [CAROL, 'Carol']] as const) {
    useApp.getState().upsertPeer(key, { peerId: `${name.toLowerCase()}-route`, displayName: name, sessionOpen: true, trust: 'known', keyId: 'k' });
  }
  installFakeVeil({
    'message:seal': (_room, to, plaintext) => {
      sealed.push({ to: to as string, wire: JSON.parse(dec.decode(plaintext as Uint8Array)) as Record<string, unknown> });
      return Uint8Array.of(1, sealed.length);
    }
  });
});
afterEach(cleanup);

describe('outbox', () => {
  it('holds per recipient in order, bounded by count, bytes per recipient and bytes in total; refusals say which', () => {
    const box = new Outbox();
    for (let i = 0; i < MAX_HELD_PER_PEER; i++) expect(box.hold(ALICE, { id: `a${i}`, text: 'x', sentAt: i })).toBeNull();
    expect(box.hold(ALICE, { id: 'over', text: 'x', sentAt: 99 })).toEqual({ reason: 'count', limit: MAX_HELD_PER_PEER });
    expect(box.takeAll(ALICE).map((l) => l.id)).toEqual(Array.from({ length: MAX_HELD_PER_PEER }, (_, i) => `a${i}`));
    expect(box.count(ALICE)).toBe(0);

    const big = 'é'.repeat(MAX_HELD_BYTES_PER_PEER / 2 / 2);
    expect(box.hold(ALICE, { id: 'b1', text: big, sentAt: 1 })).toBeNull();
    expect(box.hold(ALICE, { id: 'b2', text: big, sentAt: 2 })).toBeNull();
    expect(box.hold(ALICE, { id: 'b3', text: 'é', sentAt: 3 })).toEqual({ reason: 'bytes', limit: MAX_HELD_BYTES_PER_PEER });

    const others = Array.from({ length: MAX_HELD_BYTES_TOTAL / MAX_HELD_BYTES_PER_PEER }, (_, i) => `P${i}`);
    const refusals = others.flatMap((p) => [box.hold(p, { id: `${p}1`, text: big, sentAt: 1 }), box.hold(p, { id: `${p}2`, text: big, sentAt: 2 })]);
    expect(refusals.filter((r) => r !== null)).toContainEqual({ reason: 'total', limit: MAX_HELD_BYTES_TOTAL });

    const lines = box.takeAll(ALICE);
    box.hold(ALICE, { id: 'later', text: 'y', sentAt: 5 });
    box.restore(ALICE, lines);
    expect(box.takeAll(ALICE).map((l) => l.id)).toEqual(['b1', 'b2', 'later']);
  });
});

describe('chat while a recipient has no proven link', () => {
  it('holds, says "waiting for <name>", seals nothing meanwhile, then delivers in order with the original send times', async () => {
    const { mesh, ready, sent } = fakeMesh();
    ready.add(CAROL);
    const chat = new Chat(useApp, 'r', () => mesh);
    render(<ChatPanel />);
    for (const text of ['one', 'two', 'three']) await chat.send(text);
    expect(sealed.filter((s) => s.to === ALICE)).toEqual([]);
    expect(sealed.filter((s) => s.to === CAROL).map((s) => s.wire.text)).toEqual(['one', 'two', 'three']);
    const mine = useApp.getState().messages;
    expect(mine.map((m) => m.delivery?.[ALICE]?.state)).toEqual(['waiting', 'waiting', 'waiting']);
    const words = screen.getAllByTestId('delivery-peer').filter((e) => e.getAttribute('data-peer') === 'Alice').map((e) => e.textContent);
    expect(words).toEqual(['waiting for Alice', 'waiting for Alice', 'waiting for Alice']);

    // Alice's app told us (checked in main) that it waits for her to confirm our new key: the words say so.
    act(() => useApp.getState().setHeldBy(ALICE, Date.now()));
    expect(screen.getAllByTestId('delivery-peer').find((e) => e.getAttribute('data-peer') === 'Alice')!.textContent)
      .toBe('waiting for Alice to confirm your new key');

    ready.add(ALICE);
    await chat.flushHeld(ALICE);
    const toAlice = sealed.filter((s) => s.to === ALICE).map((s) => s.wire);
    expect(toAlice.map((w) => w.text)).toEqual(['one', 'two', 'three']);
    expect(toAlice.map((w) => w.sentAt)).toEqual(mine.map((m) => m.at));
    expect(sent.filter((s) => s.to === ALICE)).toHaveLength(3);
    expect(useApp.getState().messages.map((m) => m.delivery?.[ALICE]?.state)).toEqual(['sent', 'sent', 'sent']);
    // Nothing left behind: the next line goes at once, without a send time of its own.
    await chat.send('four');
    expect(sealed.filter((x) => x.to === ALICE).at(-1)).toEqual({ to: ALICE, wire: { t: 'msg', id: useApp.getState().messages.at(-1)!.id, text: 'four' } });
  });

  it('a pending decision on our side holds too, and nothing is sealed to that key until the user accepts it', async () => {
    const { mesh, ready } = fakeMesh();
    ready.add(ALICE);
    useApp.getState().addKeyChange(ALICE);
    const chat = new Chat(useApp, 'r', () => mesh);
    render(<ChatPanel />);
    await chat.send('before the decision');
    await chat.flushHeld(ALICE);
    expect(sealed.filter((s) => s.to === ALICE)).toEqual([]);
    expect(screen.getAllByTestId('delivery-peer').find((e) => e.getAttribute('data-peer') === 'Alice')!.textContent)
      .toBe("waiting for you to decide about Alice's key");
    useApp.getState().resolveKeyChange(ALICE);
    await chat.flushHeld(ALICE);
    expect(sealed.filter((s) => s.to === ALICE).map((s) => s.wire.text)).toEqual(['before the decision']);
  });

  it('what does not fit is refused visibly, never dropped silently; lines for someone who left fail in words', async () => {
    const { mesh } = fakeMesh();
    const chat = new Chat(useApp, 'r', () => mesh);
    for (let i = 0; i <= MAX_HELD_PER_PEER; i++) await chat.send(`m${i}`);
    const last = useApp.getState().messages.at(-1)!;
    expect(last.delivery?.[ALICE]).toEqual({ state: 'failed', reason: `not sent: ${MAX_HELD_PER_PEER} messages are already waiting for this person` });
    render(<ChatPanel />);
    expect(screen.getAllByTestId('delivery-peer').at(-2)!.textContent).toMatch(/Alice: not delivered \(not sent: 50 messages are already waiting/);
    chat.dropHeld(ALICE, 'not delivered: they left the call');
    expect(useApp.getState().messages[0]!.delivery?.[ALICE]).toEqual({ state: 'failed', reason: 'not delivered: they left the call' });
    expect(chat.outbox.count(ALICE)).toBe(0);
  });

  it('a held line arriving is shown at its send time and marked as sent earlier; a claimed time after its envelope is not believed', async () => {
    const { mesh } = fakeMesh();
    const envelopeAt = Date.UTC(2026, 11, 2, 3, 10);
    const lines: Record<string, unknown>[] = [
      { t: 'msg', id: 'a'.repeat(18), text: 'written earlier', sentAt: envelopeAt - 4 * 60_000 },
      { t: 'msg', id: 'b'.repeat(18), text: 'claims the future', sentAt: envelopeAt + 60_000 }
    ];
    installFakeVeil({
      'message:open': () => ({ plaintext: new TextEncoder().encode(JSON.stringify(lines.shift())), senderIdentityKey: ALICE, counter: 1,
        sentAt: envelopeAt, keyId: 'k' }),
      'message:seal': () => Uint8Array.of(1)
    });
    const chat = new Chat(useApp, 'r', () => mesh);
    await chat.receive(ALICE, Uint8Array.of(1));
    await chat.receive(ALICE, Uint8Array.of(1));
    const [held, future] = useApp.getState().messages;
    expect(held).toMatchObject({ text: 'written earlier', at: envelopeAt - 4 * 60_000, arrivedAt: envelopeAt });
    expect(future).toMatchObject({ text: 'claims the future', at: envelopeAt });
    expect(future!.arrivedAt).toBeUndefined();
    render(<ChatPanel />);
    expect(screen.getAllByTestId('chat-held')).toHaveLength(1);
    expect(screen.getByTestId('chat-held').textContent).toMatch(/sent earlier, arrived/);
  });
});
