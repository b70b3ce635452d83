// Contacts keyed by identity key: namesakes, look-alikes, key changes, persistence only on chosen events, v1 migration.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ContactStore, MAX_SEEN } from '../../../main/e2ee/contacts';
import { toB64u } from '../../../protocol/encoding';
import type { Contact } from '../../../protocol/ipc-e2ee';
import { Clock, expectCode, idOf, makePeer, tempDir, text, type Peer } from './harness';

let peers: Peer[] = [];
afterEach(async () => {
  for (const p of peers) await p.services.dispose();
  peers = [];
});

async function make(names: string[], opts: { dataDir?: string } = {}): Promise<Peer[]> {
  const clock = new Clock();
  const made = await Promise.all(names.map((n, i) => makePeer(n, { clock, ...(i === 0 && opts.dataDir ? { dataDir: opts.dataDir } : {}) })));
  peers.push(...made);
  return made;
}
const bundle = async (p: Peer, room = 'r') => (await p.call('keys:create', room)).bundle;
/** `from` sends one message that `to` opens: the continuity event that makes `from` a contact of `to`. */
async function talk(from: Peer, to: Peer, room = 'r'): Promise<void> {
  const env = await from.call('message:seal', room, await idOf(to), text('hello'));
  await to.call('message:open', room, await idOf(from), env);
}
async function meet(me: Peer, other: Peer, name: string, room = 'r') {
  const [mine, theirs] = [await bundle(me, room), await bundle(other, room)];
  await other.call('session:open', mine, me.name);
  return me.call('session:open', theirs, name);
}
const contactsFile = (p: Peer) => path.join(p.dataDir, 'contacts.json');

describe('contacts keyed by identity key', () => {
  it('an honest namesake does not change the real contact, and messages to the real one keep working', async () => {
    const [bob, alice, alice2] = await make(['Bob', 'Alice', 'Alice']);
    await meet(bob!, alice!, 'Alice');
    await talk(alice!, bob!);
    const ia = await idOf(alice!);
    const before = (await bob!.call('trust:list')).find((c) => c.identityKey === ia);
    expect(before).toMatchObject({ displayName: 'Alice', verified: false });

    const info = await meet(bob!, alice2!, 'Alice');
    const ia2 = await idOf(alice2!);
    expect(info.trust).toBe('changed');
    expect(info.claims).toMatchObject({ identityKey: ia, displayName: 'Alice' });
    await bob!.call('message:seal', 'r', ia, text('still to the real Alice'));
    await expectCode(bob!.call('message:seal', 'r', ia2, text('to the namesake')), 'key-changed');

    const distinct = await bob!.call('trust:markDistinct', ia2);
    expect(distinct).toMatchObject({ identityKey: ia2, displayName: 'Alice', verified: false });
    expect(distinct.previousIdentityKey).toBeUndefined();
    await bob!.call('message:seal', 'r', ia2, text('now to the namesake'));
    await bob!.call('message:seal', 'r', ia, text('and the real Alice'));
    expect((await bob!.call('trust:list')).find((c) => c.identityKey === ia)).toEqual(before);
    expect((await bob!.call('session:open', await bundle(alice2!), 'Alice')).trust).toBe('known');
    expect((await bob!.call('session:open', await bundle(alice!), 'Alice')).trust).toBe('known');
  });

  it('flags a new key behind invisible characters or homoglyphs of a known name', async () => {
    const [olga, bob, imp, imp2] = await make(['Olga', 'Bob', 'Mallory', 'Mallory']);
    await meet(olga!, bob!, 'Bob');
    await talk(bob!, olga!);
    const zw = await meet(olga!, imp!, 'Bob\u200b');
    expect(zw).toMatchObject({ trust: 'changed', displayName: 'Bob' });
    expect(zw.claims?.identityKey).toBe(await idOf(bob!));
    const cyr = await meet(olga!, imp2!, 'B\u043eb');
    expect(cyr).toMatchObject({ trust: 'lookalike', displayName: 'B\u043eb' });
    expect(cyr.claims?.identityKey).toBe(await idOf(bob!));
    await expectCode(olga!.call('message:seal', 'r', await idOf(imp2!), text('x')), 'key-changed');
    // A flagged key never becomes a contact by talking: only the user's decision persists it.
    await talk(imp!, olga!);
    expect((await olga!.call('trust:list')).map((c) => c.identityKey)).toEqual([await idOf(bob!)]);
  });

  it('a known key-holder whose name arrives on a new key is blocked until accepted; the old key is linked as previous', async () => {
    const [a, b, b2] = await make(['Alice', 'Bob', 'Bob']);
    await meet(a!, b!, 'Bob');
    const ib = await idOf(b!);
    await a!.call('trust:setVerified', ib, true);
    const info = await meet(a!, b2!, 'Bob');
    const ib2 = await idOf(b2!);
    expect(info).toMatchObject({ trust: 'changed', claims: { identityKey: ib } });
    await expectCode(a!.call('message:seal', 'r', ib2, text('hi')), 'key-changed');
    await expectCode(a!.call('trust:setVerified', ib2, true), 'key-changed');
    const accepted = await a!.call('trust:acceptChange', ib2);
    expect(accepted).toMatchObject({ identityKey: ib2, displayName: 'Bob', previousIdentityKey: ib, verified: false });
    await a!.call('message:seal', 'r', ib2, text('hi'));
    await a!.call('trust:setVerified', ib2, true);
    const audit = (await a!.call('audit:tail', 100)).map((e) => e.type);
    expect(audit).toEqual(expect.arrayContaining(['contact-verified', 'contact-key-changed', 'contact-change-accepted']));
  });

  it('a server renaming a known member to another known name is caught', async () => {
    const [me, alice, bob] = await make(['Me', 'Alice', 'Bob']);
    await meet(me!, alice!, 'Alice');
    await meet(me!, bob!, 'Bob');
    await talk(alice!, me!);
    await talk(bob!, me!);
    const swapped = await me!.call('session:open', await bundle(bob!), 'Alice');
    expect(swapped).toMatchObject({ trust: 'changed', claims: { identityKey: await idOf(alice!) } });
    await expectCode(me!.call('message:seal', 'r', await idOf(bob!), text('x')), 'key-changed');
  });

  it('persists nothing for announced members until continuity or a decision, and stays bounded', async () => {
    const [me, other, ...many] = await make(['Me', 'Other', ...Array.from({ length: 6 }, (_, i) => `M${i}`)]);
    for (const m of many) await meet(me!, m, m.name);
    await meet(me!, other!, 'Other');
    expect(await me!.call('trust:list')).toEqual([]);
    expect(existsSync(contactsFile(me!))).toBe(false);
    await talk(other!, me!);
    const list = await me!.call('trust:list');
    expect(list.map((c) => c.displayName)).toEqual(['Other']);
    const stored = JSON.parse(readFileSync(contactsFile(me!), 'utf8')) as { v: number; contacts: Contact[] };
    expect(stored.v).toBe(2);
    expect(stored.contacts.map((c) => c.identityKey)).toEqual([await idOf(other!)]);
    await me!.call('trust:setVerified', await idOf(many[0]!), true);
    expect((await me!.call('trust:list')).length).toBe(2);
    await expectCode(me!.call('trust:markDistinct', await idOf(many[1]!)), 'not-found');
  });

  it('a decision survives a restart', async () => {
    const dir = tempDir();
    const [bob, alice, alice2] = await make(['Bob', 'Alice', 'Alice'], { dataDir: dir });
    await meet(bob!, alice!, 'Alice');
    await talk(alice!, bob!);
    await meet(bob!, alice2!, 'Alice');
    await bob!.call('trust:markDistinct', await idOf(alice2!));
    await bob!.services.dispose();
    const bob2 = await makePeer('Bob', { clock: new Clock(new Clock().t + 10_000), dataDir: dir, keystore: bob!.keystore });
    peers.push(bob2);
    expect((await bob2.call('trust:list')).length).toBe(2);
    expect((await meet(bob2, alice2!, 'Alice')).trust).toBe('known');
  });

  it('reads a v1 (name-keyed) contacts.json into v2 without loss, keeping a copy of the old file', async () => {
    const dir = tempDir();
    const [k1, k2, k3] = await make(['k1', 'k2', 'k3']);
    const [i1, i2, i3] = [await idOf(k1!), await idOf(k2!), await idOf(k3!)];
    const v1 = { v: 1, contacts: [
      { identityKey: i1, displayName: 'Alice', fingerprint: 'f1', verified: true, firstSeen: 10, lastSeen: 20, changePending: false },
      { identityKey: i2, displayName: 'Bob', fingerprint: 'f2', verified: false, firstSeen: 11, lastSeen: 30, previousIdentityKey: i3, changePending: true },
      { identityKey: i1, displayName: 'Alicia', fingerprint: 'f1', verified: false, firstSeen: 5, lastSeen: 40, changePending: false }
    ] };
    writeFileSync(path.join(dir, 'contacts.json'), JSON.stringify(v1));
    const me = await makePeer('Me', { clock: new Clock(), dataDir: dir });
    peers.push(me);
    const list = await me.call('trust:list');
    const alice = list.find((c) => c.identityKey === i1)!;
    expect(alice).toMatchObject({ verified: true, firstSeen: 5, lastSeen: 40, displayName: 'Alicia' });
    expect(alice.otherNames).toEqual(['Alice']);
    expect(list.find((c) => c.identityKey === i3)).toMatchObject({ displayName: 'Bob', verified: false });
    expect(list.find((c) => c.identityKey === i2)).toBeUndefined();
    expect(JSON.parse(readFileSync(path.join(dir, 'contacts.json'), 'utf8')).v).toBe(2);
    expect(JSON.parse(readFileSync(path.join(dir, 'contacts.v1.json'), 'utf8'))).toEqual(v1);
    // The unaccepted change stays an unaccepted change: the pending key is still flagged against the previous one.
    expect(await meet(me, k2!, 'Bob')).toMatchObject({ trust: 'changed', claims: { identityKey: i3 } });
    expect((await meet(me, k1!, 'Alice')).trust).toBe('verified');
  });
});

describe('contact store bounds', () => {
  const randomKey = () => toB64u(randomBytes(32));
  it('remembers at most MAX_SEEN room members in memory and forgets a room on leave', () => {
    const store = new ContactStore(tempDir(), () => 1, () => {});
    const keys = Array.from({ length: MAX_SEEN + 1 }, randomKey);
    for (const k of keys) store.present('r', k, 'Someone');
    expect(() => store.setVerified(keys[0]!, true)).toThrow(expect.objectContaining({ code: 'not-found' }));
    expect(store.setVerified(keys[MAX_SEEN]!, true)).toMatchObject({ verified: true, origin: 'verified' });
    store.present('other', keys[1]!, 'Someone');
    store.forgetRoom('r');
    store.forgetRoom('other');
    expect(() => store.setVerified(keys[2]!, true)).toThrow(expect.objectContaining({ code: 'not-found' }));
    expect(store.list().map((c) => c.identityKey)).toEqual([keys[MAX_SEEN]]);
  });
});
