// Pure parts of the server: TURN REST credentials, access checks, and the in-memory store's capacity and TTLs.
import { createHmac } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { Access } from '../../../signaling-server/auth';
import { iceServersFor } from '../../../signaling-server/ice';
import { MemoryStore } from '../../../signaling-server/stores/memory';
import { TestIdentity } from '../../support/signaling-bundles';

describe('TURN credentials', () => {
  it('uses coturn’s shared-secret scheme and leaves STUN and static TURN entries alone', () => {
    const servers = iceServersFor({
      iceServers: [{ urls: 'stun:s.example' }, { urls: ['turn:t.example', 'turns:t.example:5349'] }, { urls: 'turn:u', username: 'u', credential: 'p' }],
      turnSecret: 'secret', turnTtlSec: 600
    }, 'peer1234', 1_700_000_000_000);
    expect(servers[0]).toEqual({ urls: 'stun:s.example' });
    expect(servers[1]!.username).toBe('1700000600:peer1234');
    expect(servers[1]!.credential).toBe(createHmac('sha1', 'secret').update('1700000600:peer1234').digest('base64'));
    expect(servers[2]).toEqual({ urls: 'turn:u', username: 'u', credential: 'p' });
  });
});

describe('access', () => {
  const base = { roomPasswords: {}, allowedOrigins: [], allowMissingOrigin: false, joinTokenAudience: 'aud', joinTokenIssuer: 'iss', joinTokenMaxLifetimeSec: 3600 };
  it('verifies tokens against the injected clock', async () => {
    const a = new Access({ ...base, joinTokenSecret: 'x'.repeat(32) }, () => 999_000_000);
    const token = await new SignJWT({ room: 'r' }).setProtectedHeader({ alg: 'HS256' }).setIssuedAt(999_000).setExpirationTime(1_000_000)
      .setAudience('aud').setIssuer('iss').sign(new TextEncoder().encode('x'.repeat(32)));
    expect(await a.checkJoin('r', { token })).toEqual({ ok: true });
    const later = new Access({ ...base, joinTokenSecret: 'x'.repeat(32) }, () => 1_000_010_000);
    expect(await later.checkJoin('r', { token })).toEqual({ ok: false, reason: 'token-expired' });
    const none = await new SignJWT({ room: 'r' }).setProtectedHeader({ alg: 'none' } as never).setExpirationTime(1_000_000)
      .sign(new TextEncoder().encode('x'.repeat(32))).catch(() => 'eyJhbGciOiJub25lIn0.eyJyb29tIjoiciJ9.');
    expect((await a.checkJoin('r', { token: none })).ok).toBe(false);
  });

  it('with an all-rooms password, every room needs it; a room with its own password needs that one', async () => {
    const a = new Access({ ...base, roomPasswords: { special: 'room-own-password' }, allRoomsPassword: 'p'.repeat(24) });
    expect(await a.checkJoin('any', {})).toEqual({ ok: false, reason: 'password-missing' });
    expect(await a.checkJoin('any', { password: 'q'.repeat(24) })).toEqual({ ok: false, reason: 'password-wrong' });
    expect(await a.checkJoin('any', { password: 'p'.repeat(24) })).toEqual({ ok: true });
    expect(await a.checkJoin('special', { password: 'p'.repeat(24) })).toEqual({ ok: false, reason: 'password-wrong' });
    expect(await a.checkJoin('special', { password: 'room-own-password' })).toEqual({ ok: true });
  });
  it('applies the origin allow-list', () => {
    const req = (origin?: string) => ({ headers: origin ? { origin } : {} }) as IncomingMessage;
    expect(new Access(base).originAllowed(req('https://any'))).toBe(true);
    const strict = new Access({ ...base, allowedOrigins: ['app://veil'] });
    expect(strict.originAllowed(req('app://veil'))).toBe(true);
    expect(strict.originAllowed(req('https://evil'))).toBe(false);
    expect(strict.originAllowed(req())).toBe(false);
    expect(new Access({ ...base, allowedOrigins: ['app://veil'], allowMissingOrigin: true }).originAllowed(req())).toBe(true);
  });
});

describe('memory store', () => {
  it('enforces capacity and expires keys', async () => {
    let now = 0;
    const s = new MemoryStore(() => now);
    const id = new TestIdentity();
    const m = (peerId: string) => ({ peerId, displayName: peerId, bundle: id.bundle('r'), joinedAt: 0 });
    expect(await s.addMember('r', m('p1'), 2)).toBe(true);
    expect(await s.addMember('r', m('p2'), 2)).toBe(true);
    expect(await s.addMember('r', m('p3'), 2)).toBe(false);
    expect(await s.addMember('r', m('p2'), 2)).toBe(true);
    await s.removeMember('r', 'p1');
    expect((await s.listMembers('r')).map((x) => x.peerId)).toEqual(['p2']);
    await s.putKey('r', 'p2', { bundle: id.current, epoch: 0, identityKey: id.identityKey }, 100);
    now = 99;
    expect(await s.getKey('r', 'p2')).not.toBeNull();
    now = 100;
    expect(await s.getKey('r', 'p2')).toBeNull();
  });
});
