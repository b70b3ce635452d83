// The renderer's chat path on an SFU call: one room seal for covered members, pairwise for the rest; room messages shown like pairwise ones.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GROUP_CHAT_LIMITS } from '../../protocol/group-chat';
import { Chat, type RoomChatPath } from '../../renderer/src/app/chat';
import { VeilError } from '../../renderer/src/lib/veil';
import type { Mesh } from '../../renderer/src/rtc/mesh';
import { useApp } from '../../renderer/src/store';
import { installFakeVeil } from './fake-veil';

const ALICE = 'A'.repeat(43);
const CAROL = 'C'.repeat(43);
const DAVE = 'D'.repeat(43);
const enc = new TextEncoder();
const dec = new TextDecoder();

let sealedPairwise: string[] = [];
let sealedRoom: Record<string, unknown>[] = [];
let covered: string[] = [];
let calls: { channel: string; args: unknown[] }[] = [];

function setup(active = true) {
  const ready = new Set([ALICE, CAROL, DAVE]);
  const sentMesh: string[] = [];
  const mesh = { isReady: (k: string) => ready.has(k), send: (to: string) => { sentMesh.push(to); } } as unknown as Mesh;
  const relayed: string[] = [];
  const opened: { from: string; blob: string }[] = [];
  const answers = new Map<string, () => unknown>();
  const group: RoomChatPath = {
    active: () => active,
    send: async (blob) => { relayed.push(blob); },
    open: async (from, blob) => {
      opened.push({ from, blob });
      const a = answers.get(blob);
      if (!a) throw new VeilError('decrypt-failed', 'no');
      return a() as never;
    }
  };
  const chat = new Chat(useApp, 'r', () => mesh);
  chat.group = group;
  return { chat, sentMesh, relayed, opened, answers, ready };
}

beforeEach(() => {
  sealedPairwise = [];
  sealedRoom = [];
  covered = ['alice-route', 'carol-route'];
  useApp.setState({ phase: 'call', roomId: 'r', displayName: 'Bob', peers: {}, messages: [], keyChanges: [], heldBy: {}, alerts: [],
    security: { refusals: {}, invalidEvents: {} } });
  for (const [key, name] of [[ALICE, 'Alice'], [CAROL, 'Carol'], [DAVE, 'Dave']] as const) {
    useApp.getState().upsertPeer(key, { peerId: `${name.toLowerCase()}-route`, displayName: name, sessionOpen: true, trust: 'known', keyId: 'k' });
  }
  calls = installFakeVeil({
    'message:seal': (_room, to) => { sealedPairwise.push(to as string); return Uint8Array.of(1); },
    'media:sealGroupChat': (_room, plaintext) => {
      sealedRoom.push(JSON.parse(dec.decode(plaintext as Uint8Array)) as Record<string, unknown>);
      return { blob: 'AQID', kid: 1, covered };
    }
  }).calls;
});
afterEach(() => { useApp.setState({ messages: [] }); });

const deliveryOf = (id: string) => useApp.getState().messages.find((m) => m.id === id)!.delivery!;

describe('chat path on an SFU call', () => {
  it('one room seal for the members main covers; the member it does not cover (pending trust) gets the pairwise seal', async () => {
    const { chat, sentMesh, relayed } = setup();
    await chat.send('hello');
    expect(sealedRoom).toHaveLength(1);
    expect(sealedRoom[0]).toMatchObject({ t: 'msg', text: 'hello' });
    expect(relayed).toEqual(['AQID']);
    expect(sealedPairwise).toEqual([DAVE]);
    expect(sentMesh).toEqual([DAVE]);
    const msg = useApp.getState().messages.at(-1)!;
    expect(deliveryOf(msg.id)).toEqual({ [ALICE]: { state: 'sent' }, [CAROL]: { state: 'sent' }, [DAVE]: { state: 'sent' } });
    expect(calls.filter((c) => c.channel === 'media:sealGroupChat')).toHaveLength(1);
  });

  it('no SFU call, a too-long line, a refused seal or a refused relay: everyone pairwise, nothing relayed', async () => {
    const off = setup(false);
    await off.chat.send('mesh');
    expect(sealedRoom).toEqual([]);
    expect(sealedPairwise.sort()).toEqual([ALICE, CAROL, DAVE].sort());

    sealedPairwise = [];
    const { chat, relayed } = setup();
    // 3 UTF-8 bytes per character: within the chat limit, over the room limit.
    await chat.send('€'.repeat(Math.ceil(GROUP_CHAT_LIMITS.maxPlaintextBytes / 3) + 10));
    expect(sealedRoom).toEqual([]);
    expect(sealedPairwise).toHaveLength(3);

    sealedPairwise = [];
    covered = [];
    await chat.send('nobody covered');
    expect(relayed).toEqual([]);
    expect(sealedPairwise).toHaveLength(3);

    sealedPairwise = [];
    covered = ['alice-route'];
    const failing = setup();
    failing.chat.group = { ...failing.chat.group!, send: () => Promise.reject(new Error('rate-limited')) };
    await failing.chat.send('relay refused');
    expect(sealedPairwise.sort()).toEqual([ALICE, CAROL, DAVE].sort());
  });

  it('a member with lines still held here, or whose key change waits for us, stays pairwise even when covered', async () => {
    const { chat, ready } = setup();
    ready.delete(CAROL);
    await chat.send('first');
    expect(sealedPairwise).toEqual([DAVE]);
    // Carol was covered by main but the line went via the room: nothing held for her.
    expect(chat.outbox.count(CAROL)).toBe(0);
    useApp.setState({ keyChanges: [ALICE] });
    sealedPairwise = [];
    await chat.send('second');
    const last = useApp.getState().messages.at(-1)!;
    expect(deliveryOf(last.id)[ALICE]).toEqual({ state: 'waiting' });
    expect(sealedPairwise).toEqual([DAVE]);
    expect(deliveryOf(last.id)[CAROL]).toEqual({ state: 'sent' });
  });

  it('a received room message is shown as from the member main opened it for; no-key is silent; room acks and file controls are dropped', async () => {
    const { chat, answers } = setup();
    answers.set('b1', () => ({ peerId: 'alice-route', identityKey: ALICE, plaintext: enc.encode(JSON.stringify({ t: 'msg', id: 'aaaaaaaaaaaaaaaaaa', text: 'hi all' })), sentAt: 5 }));
    await chat.receiveGroup('alice-route', 'b1');
    const shown = useApp.getState().messages.at(-1)!;
    expect(shown).toMatchObject({ id: `${ALICE}:aaaaaaaaaaaaaaaaaa`, from: ALICE, fromName: 'Alice', text: 'hi all', kind: 'message' });
    // It is acknowledged pairwise, as any line.
    expect(sealedPairwise).toEqual([ALICE]);

    const before = useApp.getState().messages.length;
    answers.set('nk', () => { throw new VeilError('no-key', 'no chat key from this member for this KID'); });
    await chat.receiveGroup('carol-route', 'nk');
    expect(useApp.getState().messages.length).toBe(before);

    answers.set('ack', () => ({ peerId: 'carol-route', identityKey: CAROL, plaintext: enc.encode(JSON.stringify({ t: 'ack', id: 'bbbbbbbbbbbbbbbbbb' })), sentAt: 5 }));
    await chat.receiveGroup('carol-route', 'ack');
    expect(useApp.getState().security.invalidEvents['peer-message']).toBe(1);

    // The identity main names must be the member's: a mismatch is a warning, never shown as from her.
    answers.set('mix', () => ({ peerId: 'carol-route', identityKey: ALICE, plaintext: enc.encode(JSON.stringify({ t: 'msg', id: 'cccccccccccccccccc', text: 'spoof' })), sentAt: 5 }));
    await chat.receiveGroup('carol-route', 'mix');
    expect(useApp.getState().messages.some((m) => m.text === 'spoof')).toBe(false);
    expect(useApp.getState().messages.at(-1)).toMatchObject({ kind: 'warning' });

    useApp.setState({ keyChanges: [CAROL] });
    await chat.receiveGroup('carol-route', 'b1');
    expect(useApp.getState().messages.at(-1)!.text).toMatch(/blocked: identity key changed/);
  });
});
