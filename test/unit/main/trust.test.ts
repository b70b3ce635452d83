// TOFU contacts, key-change blocking, verified flags persisted to contacts.json, safety numbers (link bindings: link.test.ts).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { safetyNumber } from '../../../main/crypto';
import { Clock, expectCode, idOf, joinAll, makePeer, text, tempDir, type Peer } from './harness';

let peers: Peer[] = [];
afterEach(async () => {
  for (const p of peers) await p.services.dispose();
  peers = [];
});

describe('trust', () => {
  it('a different identity under a known display name blocks sealing until accepted, and resets verified', async () => {
    const clock = new Clock();
    const dir = tempDir();
    const [a, b, imp] = await Promise.all([makePeer('alice', { clock, dataDir: dir }), makePeer('bob', { clock }), makePeer('bob', { clock })]);
    peers.push(a, b, imp);
    await joinAll('r', [a, b]);
    const ib = await idOf(b);
    await a.call('trust:setVerified', ib, true);
    expect((await a.call('trust:list'))[0]).toMatchObject({ displayName: 'bob', verified: true, changePending: false });
    await imp.call('keys:create', 'r');
    const info = await a.call('session:open', (await imp.call('keys:get', 'r')).bundle, 'bob');
    expect(info.trust).toBe('changed');
    const iimp = await idOf(imp);
    const c = (await a.call('trust:list')).find((x) => x.displayName === 'bob')!;
    expect(c).toMatchObject({ identityKey: iimp, previousIdentityKey: ib, changePending: true, verified: false });
    await expectCode(a.call('message:seal', 'r', iimp, text('hi')), 'key-changed');
    await expectCode(a.call('trust:setVerified', iimp, true), 'key-changed');
    const accepted = await a.call('trust:acceptChange', iimp);
    expect(accepted).toMatchObject({ changePending: false, verified: false });
    await a.call('message:seal', 'r', iimp, text('hi'));
    const file = JSON.parse(readFileSync(path.join(dir, 'contacts.json'), 'utf8')) as { contacts: { identityKey: string }[] };
    expect(file.contacts[0]!.identityKey).toBe(iimp);
    const audit = (await a.call('audit:tail', 100)).map((e) => e.type);
    expect(audit).toEqual(expect.arrayContaining(['contact-new', 'contact-verified', 'contact-key-changed', 'contact-change-accepted']));
  });

  it('verified flags survive a restart (contacts.json)', async () => {
    const clock = new Clock();
    const dir = tempDir();
    const a = await makePeer('alice', { clock, dataDir: dir });
    const b = await makePeer('bob', { clock });
    peers.push(b);
    await joinAll('r', [a, b]);
    await a.call('trust:setVerified', await idOf(b), true);
    await a.services.dispose();
    const a2 = await makePeer('alice', { clock, dataDir: dir, keystore: a.keystore });
    peers.push(a2);
    expect((await a2.call('trust:list'))[0]).toMatchObject({ displayName: 'bob', verified: true });
    await expectCode(a2.call('trust:setVerified', (await idOf(a2)), true), 'not-found');
  });

  it('safety numbers: 60 digits in 12 groups, equal on both sides, different for other keys', async () => {
    const clock = new Clock();
    const [a, b, c] = await Promise.all(['a', 'b', 'c'].map((n) => makePeer(n, { clock })));
    peers.push(a!, b!, c!);
    const sab = await a!.call('trust:safetyNumber', await idOf(b!));
    const sba = await b!.call('trust:safetyNumber', await idOf(a!));
    expect(sab.digits).toMatch(/^\d{60}$/);
    expect(sab.groups).toHaveLength(12);
    expect(sab.groups.join('')).toBe(sab.digits);
    expect(sba).toEqual(sab);
    expect(sab.qrPayload).toContain(sab.digits);
    expect((await a!.call('trust:safetyNumber', await idOf(c!))).digits).not.toBe(sab.digits);
  });

  it('safety number known answer (fixed keys) so the scheme cannot drift silently', () => {
    const k1 = new Uint8Array(32).fill(1);
    const k2 = new Uint8Array(32).fill(2);
    const s = safetyNumber(k1, k2);
    expect(safetyNumber(k2, k1)).toEqual(s);
    expect(s.digits).toMatch(/^\d{60}$/);
    expect(s.digits).toBe(SAFETY_KAT);
  });
});

// Computed independently (Python hashlib) from the scheme in docs/PROTOCOL.md.
const SAFETY_KAT = '085887598070173806131324945877819238905808131024036739213837';
