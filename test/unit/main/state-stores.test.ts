// The persisted revocation and epoch stores on their own: bounds, eviction order, expiry, corrupt files and failed writes.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EpochStore, MAX_EPOCH_ROOMS, type EpochStoreEvent } from '../../../main/e2ee/epochs';
import { RevocationStore, type RevocationStoreEvent } from '../../../main/e2ee/revocations';
import { Clock, tempDir } from './harness';

const entry = (identityKey: string, keyId: string, expiresAt: number, roomId = 'r') => ({ roomId, identityKey, keyId, expiresAt });

describe('RevocationStore', () => {
  it('keeps entries per (room, identity) across instances until they expire', () => {
    const clock = new Clock();
    const dir = tempDir();
    const s = new RevocationStore(dir, clock.now, () => {});
    s.add(entry('A', 'k1', clock.t + 1000));
    s.add(entry('A', 'k2', clock.t + 5000));
    expect(s.has('r', 'A', 'k1')).toBe(true);
    expect(s.has('other', 'A', 'k1')).toBe(false);
    expect(s.has('r', 'B', 'k1')).toBe(false);
    clock.advance(1000);
    const again = new RevocationStore(dir, clock.now, () => {});
    expect(again.has('r', 'A', 'k1')).toBe(false);
    expect(again.has('r', 'A', 'k2')).toBe(true);
    expect(again.count()).toBe(1);
  });

  it('over the per-peer cap drops that peer\'s soonest-expiring entry; over the total cap, from the largest group', () => {
    const clock = new Clock();
    const events: RevocationStoreEvent[] = [];
    const s = new RevocationStore(tempDir(), clock.now, (e) => events.push(e), { perPeer: 4, total: 10 });
    s.add(entry('victim', 'v1', clock.t + 10));
    s.add(entry('victim', 'v2', clock.t + 20));
    for (let i = 0; i < 5; i++) s.add(entry('flooder', `f${i}`, clock.t + 100 - i));
    expect(s.has('r', 'flooder', 'f4')).toBe(false);
    expect(events).toEqual([{ type: 'revocation-evicted', detail: 'f4' }]);
    for (let i = 0; i < 3; i++) for (let j = 0; j < 4; j++) s.add(entry(`sybil${i}`, `s${i}-${j}`, clock.t + 50 + j));
    expect(s.count()).toBe(10);
    expect(s.has('r', 'victim', 'v1') && s.has('r', 'victim', 'v2')).toBe(true);
  });

  it('a corrupt file starts empty (audited); a failed write is audited and the entry is still enforced', () => {
    const clock = new Clock();
    const dir = tempDir();
    writeFileSync(path.join(dir, 'revocations.json'), '[1, 2');
    const events: RevocationStoreEvent[] = [];
    expect(new RevocationStore(dir, clock.now, (e) => events.push(e)).count()).toBe(0);
    expect(events.map((e) => e.type)).toEqual(['revocations-corrupt']);
    const blocked = tempDir();
    mkdirSync(path.join(blocked, 'revocations.json'));
    const s = new RevocationStore(blocked, clock.now, (e) => events.push(e));
    s.add(entry('A', 'k1', clock.t + 1000));
    expect(events.map((e) => e.type)).toContain('revocations-write-failed');
    expect(s.has('r', 'A', 'k1')).toBe(true);
  });
});

describe('EpochStore', () => {
  it('next is max(clock seconds, last + 1), across instances, and forgets rooms the clock has passed', () => {
    const clock = new Clock();
    const dir = tempDir();
    const s = new EpochStore(dir, clock.now, () => {});
    const second = Math.floor(clock.t / 1000);
    expect(s.next('r', null)).toBe(second);
    expect(s.next('r', null)).toBe(second + 1);
    expect(s.next('r', second + 5)).toBe(second + 6);
    expect(new EpochStore(dir, clock.now, () => {}).next('r', null)).toBe(second + 7);
    clock.advance(10_000);
    expect(s.next('other', null)).toBe(second + 10);
    expect(s.lastEpoch('r')).toBeUndefined();
  });

  it(`keeps at most ${MAX_EPOCH_ROOMS} rooms; a corrupt file or a failed write is audited, never thrown`, () => {
    const clock = new Clock();
    const dir = tempDir();
    const s = new EpochStore(dir, clock.now, () => {});
    for (let i = 0; i <= MAX_EPOCH_ROOMS; i++) s.next(`room-${i}`, null);
    expect(s.lastEpoch('room-0')).toBeUndefined();
    expect(s.lastEpoch(`room-${MAX_EPOCH_ROOMS}`)).toBeDefined();
    writeFileSync(path.join(dir, 'epochs.json'), '{"v":1,"rooms":{"r":-4}}');
    const events: EpochStoreEvent[] = [];
    new EpochStore(dir, clock.now, (e) => events.push(e));
    const blocked = tempDir();
    mkdirSync(path.join(blocked, 'epochs.json'));
    const b = new EpochStore(blocked, clock.now, (e) => events.push(e));
    expect(b.next('r', 7)).toBe(Math.floor(clock.t / 1000));
    expect(b.next('r', null)).toBe(Math.floor(clock.t / 1000) + 1);
    expect(events.map((e) => e.type)).toEqual(['epochs-corrupt', 'epochs-corrupt', 'epochs-write-failed', 'epochs-write-failed']);
  });
});
