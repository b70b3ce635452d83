// Files panel: pick (main's dialog), drop or paste a file for one participant or everyone, and follow every transfer of the room.
import { useState, type ClipboardEvent, type DragEvent } from 'react';
import { shownNamesOf } from '../../app/names';
import { useApp } from '../../store';
import { roomFileActions, type FileActions } from './file-actions';
import { TransferRow } from './TransferRow';

export function FilesPanel({ actions = roomFileActions }: { actions?: FileActions }) {
  const transfers = useApp((s) => s.transfers);
  const peers = useApp((s) => s.peers);
  const names = useApp(shownNamesOf);
  const labelOf = (key: string, fallback: string) => names.get(key)?.label ?? fallback;
  const recipient = useApp((s) => s.fileRecipient);
  const setRecipient = useApp((s) => s.setFileRecipient);
  const [over, setOver] = useState(false);
  const people = Object.values(peers).filter((p) => p.sessionOpen).sort((a, b) => labelOf(a.identityKey, a.displayName).localeCompare(labelOf(b.identityKey, b.displayName)));
  // A chosen participant who left falls back to everyone rather than silently sending nowhere.
  const to = recipient === 'all' || peers[recipient] ? recipient : 'all';
  const filesOf = (list: FileList | null | undefined) => (list ? Array.from(list) : []);
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    const files = filesOf(e.dataTransfer?.files);
    if (files.length > 0) void actions.drop(files, to);
  };
  const onPaste = (e: ClipboardEvent) => {
    const files = filesOf(e.clipboardData?.files);
    if (files.length === 0) return;
    e.preventDefault();
    void actions.send(files, to);
  };
  const rows = Object.values(transfers).reverse();
  return (
    <section className="files" data-testid="files" onPaste={onPaste}>
      <label className="files-to">
        <span>Send to</span>
        <select data-testid="file-recipient" value={to} onChange={(e) => setRecipient(e.target.value)}>
          <option value="all">Everyone connected</option>
          {people.map((p) => <option key={p.identityKey} value={p.identityKey} dir="auto">{labelOf(p.identityKey, p.displayName)}</option>)}
        </select>
      </label>
      <div className={over ? 'file-drop over' : 'file-drop'} data-testid="file-drop"
        onDragOver={(e) => { e.preventDefault(); setOver(true); }} onDragLeave={() => setOver(false)} onDrop={onDrop}>
        <p>Drop or paste a file here, or</p>
        <button type="button" className="file-pick" data-testid="file-pick" onClick={() => void actions.pick(to)}>Choose a file…</button>
        <p className="muted small-print">Encrypted end to end for each recipient; nothing is stored unencrypted until you save it.</p>
      </div>
      <ul className="transfers">
        {rows.length === 0 && <li className="muted center">No transfers yet.</li>}
        {rows.map((t) => <TransferRow key={t.id} t={t} actions={actions} />)}
      </ul>
    </section>
  );
}
