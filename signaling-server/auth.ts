// Access control: HS256 join tokens (jose), per-room passwords (constant-time), and the origin allow-list.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { jwtVerify } from 'jose';

export interface JoinCredentials { token?: string | undefined; password?: string | undefined }
export type AuthResult = { ok: true; subject?: string } | { ok: false; reason: string };

export interface AuthConfig {
  joinTokenSecret?: string | undefined;
  joinTokenAudience: string;
  joinTokenIssuer: string;
  joinTokenMaxLifetimeSec: number;
  roomPasswords: Record<string, string>;
  allRoomsPassword?: string | undefined;
  allowedOrigins: string[];
  allowMissingOrigin: boolean;
}

/** Seconds of clock skew tolerated on `exp`, `iat` and `nbf`. */
const TOKEN_CLOCK_TOLERANCE_SEC = 5;

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest();

export class Access {
  private readonly secret: Uint8Array | null;
  private readonly passwordHashes = new Map<string, Buffer>();
  private readonly allRoomsHash: Buffer | undefined;

  constructor(private readonly config: AuthConfig, private readonly now: () => number = Date.now) {
    this.secret = config.joinTokenSecret ? new TextEncoder().encode(config.joinTokenSecret) : null;
    for (const [room, pw] of Object.entries(config.roomPasswords)) this.passwordHashes.set(room, sha256(pw));
    this.allRoomsHash = config.allRoomsPassword ? sha256(config.allRoomsPassword) : undefined;
  }

  /** Checks a join attempt; reasons are for logs and metrics, never echoed with secrets. */
  async checkJoin(roomId: string, creds: JoinCredentials): Promise<AuthResult> {
    let subject: string | undefined;
    if (this.secret) {
      if (!creds.token) return { ok: false, reason: 'token-missing' };
      try {
        const { payload } = await jwtVerify(creds.token, this.secret, {
          algorithms: ['HS256'], requiredClaims: ['exp', 'iat', 'room'], currentDate: new Date(this.now()),
          audience: this.config.joinTokenAudience, issuer: this.config.joinTokenIssuer,
          clockTolerance: TOKEN_CLOCK_TOLERANCE_SEC, maxTokenAge: this.config.joinTokenMaxLifetimeSec
        });
        // jose bounds the age since iat; a token must also not be minted to live longer than the maximum.
        if (payload.exp! - payload.iat! > this.config.joinTokenMaxLifetimeSec) return { ok: false, reason: 'token-lifetime' };
        if (payload.room !== roomId) return { ok: false, reason: 'token-wrong-room' };
        if (typeof payload.sub === 'string') subject = payload.sub;
      } catch (err) {
        const code = (err as { code?: string }).code;
        const claim = (err as { claim?: string }).claim;
        if (code === 'ERR_JWT_EXPIRED') return { ok: false, reason: 'token-expired' };
        if (code === 'ERR_JWT_CLAIM_VALIDATION_FAILED' && claim) return { ok: false, reason: `token-bad-${claim}` };
        return { ok: false, reason: 'token-invalid' };
      }
    }
    const expected = this.passwordHashes.get(roomId) ?? this.allRoomsHash;
    if (expected) {
      if (creds.password === undefined) return { ok: false, reason: 'password-missing' };
      if (!timingSafeEqual(expected, sha256(creds.password))) return { ok: false, reason: 'password-wrong' };
    }
    return subject === undefined ? { ok: true } : { ok: true, subject };
  }

  /** The origin allow-list, for socket.io's allowRequest. */
  originAllowed(req: IncomingMessage): boolean {
    if (this.config.allowedOrigins.length === 0) return true;
    const origin = req.headers.origin;
    if (origin === undefined) return this.config.allowMissingOrigin;
    return this.config.allowedOrigins.includes(origin);
  }
}
