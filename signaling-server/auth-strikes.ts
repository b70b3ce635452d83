// Strikes for failed joins (password, token, proof): per-address and per-room windows in memory or Redis.
import { RateLimiterMemory, RateLimiterRedis, type RateLimiterAbstract, type RateLimiterRes } from 'rate-limiter-flexible';
import type { ResolvedSignalingConfig } from './config';
import type { RedisClient } from './stores/redis';

export type StrikeScope = 'address' | 'room';

export interface AuthStrikes {
  /** The scope that is out of attempts for this join, or null. A store error counts as blocked (fail closed). */
  blocked(address: string, roomId: string): Promise<StrikeScope | null>;
  /** Records one failure; guessable secrets (password, token) also count against the room. */
  fail(address: string, roomId: string, guessable: boolean): Promise<void>;
}

export function createAuthStrikes(config: ResolvedSignalingConfig, redis: RedisClient | null): AuthStrikes {
  const make = (points: number, keyPrefix: string): RateLimiterAbstract => {
    const opts = { points, duration: config.authFailureWindowSec, keyPrefix };
    return redis
      ? new RateLimiterRedis({ ...opts, keyPrefix: `${config.redisPrefix}:${keyPrefix}`, storeClient: redis, useRedisPackage: true })
      : new RateLimiterMemory(opts);
  };
  const perAddress = make(config.authFailuresPerAddress, 'authfail-addr');
  const perRoom = make(config.authFailuresPerRoom, 'authfail-room');
  const spent = (res: RateLimiterRes | null, points: number) => res !== null && res.consumedPoints >= points;

  return {
    async blocked(address, roomId) {
      try {
        const [a, r] = await Promise.all([perAddress.get(address), perRoom.get(roomId)]);
        if (spent(a, config.authFailuresPerAddress)) return 'address';
        if (spent(r, config.authFailuresPerRoom)) return 'room';
        return null;
      } catch {
        return 'address';
      }
    },
    async fail(address, roomId, guessable) {
      // penalty() adds a point without refusing; the window starts at the first failure and is never shortened.
      await Promise.all([perAddress.penalty(address), guessable ? perRoom.penalty(roomId) : null]).catch(() => undefined);
    }
  };
}
