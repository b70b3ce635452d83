// One remote feed of the SFU call: its video only while its frames decrypt, otherwise what is wrong, in plain words.
import { sfuFeedWords } from '../../lib/plain-words';
import type { SfuFeedEntry } from '../../store/sfu-slice';
import { VideoTile } from './VideoTile';

export function SfuFeedTile({ feed, name, sinkId }: { feed: SfuFeedEntry; name: string; sinkId: string }) {
  const words = sfuFeedWords(feed.state, `\u2068${name}\u2069`);
  return (
    <VideoTile testId="tile-feed" name={name} stream={feed.state === 'decrypting' ? feed.stream : null} sinkId={sinkId}
      conn={feed.state === 'decrypting' ? 'connected' : 'connecting'} secure={feed.state === 'decrypting'}
      notice={words ? { state: feed.state, text: words } : undefined}
      data={{ 'data-feed': String(feed.feedId), 'data-peer': feed.peerId, 'data-sfu-state': feed.state }} />
  );
}
