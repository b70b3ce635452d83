// Incoming file offers as notices over the call, wherever the side panel is, with a shortcut to the Files tab.
import { safeText } from '../../lib/safe-text';
import { useApp } from '../../store';

export function FileNotices() {
  const all = useApp((s) => s.fileNotices);
  const transfers = useApp((s) => s.transfers);
  // An offer answered (here or by the sender cancelling) needs no notice any more.
  const notices = all.filter((n) => transfers[n.transferId]?.state === 'offered');
  const dismiss = useApp((s) => s.dismissFileNotice);
  const setSession = useApp((s) => s.setSession);
  if (notices.length === 0) return null;
  return (
    <div className="file-notices" role="status">
      {notices.map((n) => (
        <div key={n.id} className="file-notice" data-testid="file-notice">
          <bdi>{safeText(n.text)}</bdi>
          <button className="small primary" onClick={() => { setSession({ panel: 'files' }); dismiss(n.id); }}>Show</button>
          <button className="small ghost" onClick={() => dismiss(n.id)} aria-label="Dismiss">✕</button>
        </div>
      ))}
    </div>
  );
}
