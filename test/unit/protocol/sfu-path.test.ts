// The room path contract: byte-exact Janus tokens (checked against openssl), and every malformed path refused by its strict schema.
import { describe, expect, it } from 'vitest';
import { roomPathSchema } from '../../../protocol/sfu';
import { janusCoreToken, janusRoomToken } from '../../../signaling-server/sfu/tokens';

const SECRET = 'veil-test-token-secret';
// `printf '%s' '<data>' | openssl dgst -sha1 -hmac veil-test-token-secret -binary | base64`
const CORE = '1700000000,janus,janus.plugin.videoroom:lFpw+CATOLXNWo8Wjy96a4Ggd4w=';
const ROOM = '1700000000,janus.plugin.videoroom,room=1234:8iq09XV8ACCPXwCFlA0cvqp2YKk=';
const valid = { path: 'sfu', url: 'wss://sfu.example.org/janus', room: 1234, token: CORE, roomToken: ROOM, expiresAt: 1_700_000_000_000 };

describe('Janus tokens', () => {
  it('match the layout Janus checks: <expiry>,<realm>,<descriptor>:base64(HMAC-SHA1(secret, data))', () => {
    expect(janusCoreToken(SECRET, 1_700_000_000)).toBe(CORE);
    expect(janusRoomToken(SECRET, 1_700_000_000, 1234)).toBe(ROOM);
  });
});

describe('room path schema', () => {
  it('accepts mesh and a consistent SFU path', () => {
    expect(roomPathSchema.parse({ path: 'mesh' })).toEqual({ path: 'mesh' });
    expect(roomPathSchema.parse(valid)).toEqual(valid);
    expect(roomPathSchema.parse({ ...valid, url: 'ws://127.0.0.1:8188' })).toMatchObject({ path: 'sfu' });
  });

  const bad: Array<[string, unknown]> = [
    ['mesh with an extra field', { path: 'mesh', url: 'wss://x' }],
    ['unknown path', { path: 'p2p' }],
    ['extra field', { ...valid, pin: '1234' }],
    ['missing roomToken', { ...valid, roomToken: undefined }],
    ['http URL', { ...valid, url: 'https://sfu.example.org/janus' }],
    ['URL with spaces', { ...valid, url: 'wss://sfu.example.org/ja nus' }],
    ['room 0', { ...valid, room: 0, roomToken: ROOM.replace('room=1234', 'room=0') }],
    ['fractional room', { ...valid, room: 1234.5 }],
    ['room beyond 2^53', { ...valid, room: 2 ** 53 }],
    ['room as a string', { ...valid, room: '1234' }],
    ['room token for another room', { ...valid, roomToken: ROOM.replace('room=1234', 'room=1235') }],
    ['core token in the room slot', { ...valid, roomToken: CORE }],
    ['room token in the core slot', { ...valid, token: ROOM }],
    ['core token for another plugin', { ...valid, token: CORE.replace('videoroom', 'echotest') }],
    ['core token with another realm', { ...valid, token: CORE.replace(',janus,', ',admin,') }],
    ['expiry disagreeing with expiresAt', { ...valid, expiresAt: 1_700_000_001_000 }],
    ['tokens with different expiries', { ...valid, token: CORE.replace('1700000000', '1700000600') }],
    ['short signature', { ...valid, token: CORE.replace('4w=', '=') }],
    ['signature without padding', { ...valid, token: CORE.replace('4w=', '4wA') }],
    ['extra descriptor', { ...valid, token: CORE.replace('videoroom:', 'videoroom,janus.plugin.echotest:') }],
    ['negative expiresAt', { ...valid, expiresAt: -1 }],
    ['overlong token', { ...valid, token: `${'1'.repeat(300)}${CORE}` }]
  ];
  it.each(bad)('refuses %s', (_name, value) => {
    expect(roomPathSchema.safeParse(value).success).toBe(false);
  });
});
