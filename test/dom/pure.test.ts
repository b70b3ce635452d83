// Pure renderer helpers: DTLS fingerprints from SDP and stats, the room security code, recent rooms, ICE parsing, grid.
import { describe, expect, it } from 'vitest';
import { bestColumns, gridColumns } from '../../renderer/src/features/call/CallView';
import { parseIceServers } from '../../renderer/src/features/settings/SettingsPanel';
import { clockTime } from '../../renderer/src/lib/clock-time';
import { canonicalRoomList, roomSecurityCode } from '../../renderer/src/lib/room-code';
import { rememberRoom } from '../../renderer/src/lib/storage';
import { allFingerprints, fingerprintFromSdp, remoteFingerprintFromStats } from '../../renderer/src/rtc/fingerprint';

const FP = 'AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89';
const sdp = `v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\na=fingerprint:sha-256 ${FP.toLowerCase()}\r\nm=audio 9 UDP 0\r\na=fingerprint:sha-256 ${FP}\r\n`;

describe('DTLS fingerprints', () => {
  it('reads and normalises the SDP fingerprint', () => {
    expect(fingerprintFromSdp(sdp)).toBe(`sha-256 ${FP}`);
    expect(allFingerprints(sdp)).toEqual([`sha-256 ${FP}`]);
    expect(fingerprintFromSdp('v=0\r\n')).toBeNull();
    expect(allFingerprints(`${sdp}a=fingerprint:sha-256 00:11\r\n`)).toHaveLength(2);
  });

  it('finds the remote certificate of the transport in stats', () => {
    const stats = [
      { id: 'T1', type: 'transport', remoteCertificateId: 'C2', localCertificateId: 'C1' },
      { id: 'C1', type: 'certificate', fingerprint: '00:11', fingerprintAlgorithm: 'sha-256' },
      { id: 'C2', type: 'certificate', fingerprint: FP.toLowerCase(), fingerprintAlgorithm: 'sha-256' }
    ];
    expect(remoteFingerprintFromStats(stats)).toBe(`sha-256 ${FP}`);
    expect(remoteFingerprintFromStats([{ id: 'T1', type: 'transport' }])).toBeNull();
  });
});

describe('room security code', () => {
  const a = { identityKey: 'AAA', name: 'Alice' };
  const b = { identityKey: 'BBB', name: 'Bob' };
  it('is independent of participant order and changes with the room', async () => {
    expect(canonicalRoomList('r', [a, b])).toBe(canonicalRoomList('r', [b, a]));
    const one = await roomSecurityCode('r', [a, b]);
    expect(one).toHaveLength(6);
    expect(one.join('')).toMatch(/^\d{30}$/);
    expect(await roomSecurityCode('r', [b, a])).toEqual(one);
    expect(await roomSecurityCode('other', [a, b])).not.toEqual(one);
  });

  it('changes when the server swaps two members\' names, or renames one', async () => {
    const one = await roomSecurityCode('r', [a, b]);
    expect(await roomSecurityCode('r', [{ ...a, name: 'Bob' }, { ...b, name: 'Alice' }])).not.toEqual(one);
    expect(await roomSecurityCode('r', [a, { ...b, name: 'Bob · 0011' }])).not.toEqual(one);
  });

  it('has the byte-exact canonical form of docs/PROTOCOL.md (known answer computed with Python hashlib)', async () => {
    const entries = [{ identityKey: 'BBB', name: 'Zo\u00eb' }, { identityKey: 'AAA', name: 'Alice \u00b7 3F9A' }];
    expect(canonicalRoomList('r', entries)).toBe('veil-room-code-v3|r\nAAA|Alice \u00b7 3F9A\nBBB|Zo\u00eb');
    expect(await roomSecurityCode('r', entries)).toEqual(['52963', '78253', '86458', '02308', '55838', '02064']);
  });
});

describe('small helpers', () => {
  it('remembers recent rooms most-recent first without duplicates', () => {
    let list = rememberRoom([], { roomId: 'a', serverUrl: 's', at: 1 });
    list = rememberRoom(list, { roomId: 'b', serverUrl: 's', at: 2 });
    list = rememberRoom(list, { roomId: 'a', serverUrl: 's', at: 3 });
    expect(list.map((r) => r.roomId)).toEqual(['a', 'b']);
  });
  it('parses ICE servers and rejects other schemes', () => {
    expect(parseIceServers('')).toBeNull();
    expect(parseIceServers('stun:a:3478\nturn:b')).toEqual([{ urls: 'stun:a:3478' }, { urls: 'turn:b' }]);
    expect(() => parseIceServers('http://x')).toThrow(/stun/);
  });
  it('lays out 1–8 people in 1 to 4 columns', () => {
    expect([1, 2, 4, 5, 6, 7, 8].map(gridColumns)).toEqual([1, 2, 2, 3, 3, 4, 4]);
    expect(bestColumns(2, 900, 690)).toBe(1);
    expect(bestColumns(2, 1600, 600)).toBe(2);
    expect(bestColumns(3, 900, 690)).toBe(2);
  });
});

describe('clock times', () => {
  it('formats hours and minutes exactly as toLocaleTimeString with the same options, from one cached formatter', () => {
    for (const at of [0, Date.UTC(2026, 0, 1, 9, 5), Date.UTC(2026, 6, 1, 23, 59, 59), Date.now()]) {
      expect(clockTime(at)).toBe(new Date(at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }));
    }
  });
});
