// Which pairwise links the mesh makes: every member's on the mesh path; on the SFU path only those something needs.
/**
 * On the SFU path media, room chat and media keys go through the server and Janus, so a link per member pair (49 per
 * member in a room of 50) would buy nothing but load. There a link is made only when something must go pairwise (a
 * file, a chat line held for a member the room path does not cover) or when the other side offers one; links made
 * before the room moved stay up. Back on the mesh every member gets its link again.
 */
export class LinkDemand {
  private onDemand = false;
  private readonly wanted = new Set<string>();

  /** Returns whether the mode changed. Leaving on-demand forgets what was wanted (every link is wanted then). */
  set(onDemand: boolean): boolean {
    if (onDemand === this.onDemand) return false;
    this.onDemand = onDemand;
    if (!onDemand) this.wanted.clear();
    return true;
  }

  get isOnDemand(): boolean { return this.onDemand; }

  want(identityKey: string): void {
    if (this.onDemand) this.wanted.add(identityKey);
  }

  /** A member gone from the room: a later link to it is wanted again only if something asks. */
  forget(identityKey: string): void {
    this.wanted.delete(identityKey);
  }

  /** No link of our own to this member now: on-demand and nothing asked for one. */
  holdsBack(identityKey: string): boolean {
    return this.onDemand && !this.wanted.has(identityKey);
  }

  /** We offer even when the other side is the natural initiator: it makes no links of its own on the SFU path. */
  offersFirst(identityKey: string): boolean {
    return this.onDemand && this.wanted.has(identityKey);
  }
}
