// Unanswered incoming file offers have their own quotas (per sender and in all) and a short life, apart from our own sends.
import { afterEach, describe, expect, it } from 'vitest';
import { FILE_LIMITS } from '../../../protocol/file-limits';
import { expectCode, idOf, joinAll } from './harness';
import { disposeSides, room, type Side } from './files-harness';

afterEach(disposeSides);

/** Alice prepares and offers a one-byte file to `to` in `roomId`; returns the transfer id and the signed offer. */
async function offerOne(a: Side, to: Side, roomId: string, i: number) {
  const prep = await a.peer.call('files:prepare', roomId, { name: `f${i}`, size: 1, mime: '' });
  const [r] = await a.peer.call('files:offer', prep.prepareId, [await idOf(to.peer)]);
  if (!r?.ok) throw new Error(`offer ${i} failed: ${r?.error.code}`);
  return { id: r.transferId, offer: r.offer };
}

describe('pending offer quotas', () => {
  it(`offer ${FILE_LIMITS.maxPendingOffersPerPeer + 1} from one sender is refused at once with over-quota; answering one frees a slot`, async () => {
    const { a, b } = await room();
    const alice = await idOf(a.peer);
    const held: string[] = [];
    for (let i = 0; i < FILE_LIMITS.maxPendingOffersPerPeer; i++) {
      const o = await offerOne(a, b, 'room', i);
      await b.peer.call('files:receiveOffer', 'room', alice, o.offer);
      held.push(o.id);
    }
    const over = await offerOne(a, b, 'room', 99);
    const message = await expectCode(b.peer.call('files:receiveOffer', 'room', alice, over.offer), 'over-quota');
    expect(message).toContain(`${FILE_LIMITS.maxPendingOffersPerPeer} offers from this sender are still unanswered`);
    expect((await b.peer.call('audit:tail', 5)).at(-1)).toMatchObject({ type: 'file-offer-rejected', reason: 'over-quota', transferId: over.id });
    // The refusal changed nothing: the refused id may be offered again once there is room, and is not held.
    expect((await b.peer.call('files:list')).map((t) => t.transferId)).toEqual(held);
    await b.peer.call('files:decline', held[0]!);
    expect((await b.peer.call('files:receiveOffer', 'room', alice, over.offer)).state).toBe('offered');
  });

  it('a flood of offers cannot lock us out of sending: at most maxPendingOffers are held, each only offerTtlMs', async () => {
    const rooms = ['room', 'r1', 'r2', 'r3', 'r4'];
    const { clock, a, b } = await room();
    for (const r of rooms.slice(1)) await joinAll(r, [a.peer, b.peer]);
    const alice = await idOf(a.peer);
    let accepted = 0;
    const refusals: string[] = [];
    for (let i = 0; i < FILE_LIMITS.maxTransfers; i++) {
      const roomId = rooms[i % rooms.length]!;
      const o = await offerOne(a, b, roomId, i);
      const r = await b.peer.raw('files:receiveOffer', [roomId, alice, o.offer]);
      if (r.ok) accepted++;
      else refusals.push(r.error.code);
      // Alice's renderer cancels a send the recipient refused, which frees her own slot.
      if (!r.ok) await a.peer.call('files:cancel', o.id);
    }
    expect(accepted).toBe(FILE_LIMITS.maxPendingOffers);
    expect(new Set(refusals)).toEqual(new Set(['over-quota']));
    // Bob's own sends are untouched by the offers he holds.
    const prep = await b.peer.call('files:prepare', 'room', { name: 'mine', size: 1, mime: '' });
    const [mine] = await b.peer.call('files:offer', prep.prepareId, [alice]);
    expect(mine?.ok).toBe(true);
    // Unanswered offers expire after offerTtlMs (minutes, not half an hour); then new ones are held again.
    expect(FILE_LIMITS.offerTtlMs).toBeLessThanOrEqual(5 * 60_000);
    clock.advance(FILE_LIMITS.offerTtlMs + 1);
    expect((await b.peer.call('files:list')).filter((t) => t.state === 'offered')).toEqual([]);
    const again = await offerOne(a, b, 'room', 500);
    expect((await b.peer.call('files:receiveOffer', 'room', alice, again.offer)).state).toBe('offered');
  });

  it('an accepted offer leaves the quota and counts as one of our own transfers', async () => {
    const { a, b } = await room();
    const alice = await idOf(a.peer);
    const first = await offerOne(a, b, 'room', 0);
    await b.peer.call('files:receiveOffer', 'room', alice, first.offer);
    await b.peer.call('files:accept', first.id);
    for (let i = 1; i <= FILE_LIMITS.maxPendingOffersPerPeer; i++) {
      await b.peer.call('files:receiveOffer', 'room', alice, (await offerOne(a, b, 'room', i)).offer);
    }
    await expectCode(b.peer.call('files:receiveOffer', 'room', alice, (await offerOne(a, b, 'room', 9)).offer), 'over-quota');
  });
});

describe('offers on an expired sender key', () => {
  it('are refused as expired, and the remembered transfer ids are forgotten with the key', async () => {
    const { clock, a, b } = await room();
    const alice = await idOf(a.peer);
    const expiresAt = (await a.peer.call('keys:get', 'room')).expiresAt;
    const first = await offerOne(a, b, 'room', 0);
    await b.peer.call('files:receiveOffer', 'room', alice, first.offer);
    await b.peer.call('files:decline', first.id);
    await expectCode(b.peer.call('files:receiveOffer', 'room', alice, first.offer), 'replay');
    clock.t = expiresAt;
    // No timer runs in the harness, so the session with Alice's expired key is still there: only the expiry check stops it.
    await expectCode(b.peer.call('files:receiveOffer', 'room', alice, (await offerOne(a, b, 'room', 1)).offer), 'expired');
    await expectCode(b.peer.call('files:receiveOffer', 'room', alice, first.offer), 'expired');
    await b.peer.call('files:list');
    expect((b.peer.services.files as unknown as { seenIncoming: Map<string, number> }).seenIncoming.size).toBe(0);
  });
});
