// One remote feed of the SFU call: its video only while its frames decrypt, otherwise what is wrong, in plain words.
import { sfuFeedWords } from '../../lib/plain-words';
import type { SfuFeedEntry } from '../../store/sfu-slice';
import { VideoTile } from './VideoTile';

/**
 * `contested`: this feed and another both open under one member's keys. SFrame keys are shared by all of a member's
 * receivers, so a member holding Dana's key can publish frames that open as Dana's (PROTOCOL 13.5b); this is how it shows.
 */
export function SfuFeedTile({ feed, name, sinkId, contested = false }: { feed: SfuFeedEntry; name: string; sinkId: string; contested?: boolean }) {
  const shown = `\u2068${name}\u2069`;
  const paused = feed.videoPaused === true && feed.state === 'decrypting' && !contested;
  const words = contested ? `more than one video claims to be ${shown}: only one of them can be`
    : paused ? `${shown}'s video shows when they speak (fewer videos at once keep the call light)` : sfuFeedWords(feed.state, shown);
  return (
    <VideoTile testId="tile-feed" name={name} stream={feed.state === 'decrypting' ? feed.stream : null} sinkId={sinkId} camOff={paused}
      conn={feed.state === 'decrypting' ? 'connected' : 'connecting'} secure={feed.state === 'decrypting'}
      notice={words ? { state: contested ? 'contested' : paused ? 'video-paused' : feed.state, text: words } : undefined}
      data={{ 'data-feed': String(feed.feedId), 'data-peer': feed.peerId, 'data-sfu-state': feed.state, 'data-video': paused ? 'paused' : 'on',
        ...(contested ? { 'data-contested': 'true' } : {}) }} />
  );
}
