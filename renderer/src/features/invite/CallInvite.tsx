// "Invite" in the call header: the room's veil:// link to copy or scan (a room password, if any, is passed on separately).
import { useState } from 'react';
import { buildInviteLink } from '../../lib/invite-link';
import { useApp } from '../../store';
import { CopyButton } from '../common/CopyButton';
import { DialogFrame } from '../common/DialogFrame';
import { InviteQr } from './InviteQr';

export function CallInvite() {
  const serverUrl = useApp((s) => s.serverUrl);
  const roomId = useApp((s) => s.roomId);
  const [open, setOpen] = useState(false);
  const link = buildInviteLink(serverUrl, roomId);
  if (!link) return null;
  return (
    <>
      <button type="button" className="ghost small" onClick={() => setOpen(true)} data-testid="call-invite">Invite</button>
      {open && (
        <DialogFrame label="Invite someone" testId="invite-dialog" onEscape={() => setOpen(false)}>
          <h3>Invite someone to this room</h3>
          <p className="muted">Send this link, or show them the QR code. If the room has a password, tell it to them separately (by phone or in person), never in the same message.</p>
          <p className="invite-link"><code data-testid="invite-link">{link}</code></p>
          <InviteQr link={link} />
          <div className="row">
            <CopyButton text={link} label="Copy invite" testId="invite-copy" className="primary" />
            <button type="button" className="ghost" onClick={() => setOpen(false)} data-testid="invite-close">Close</button>
          </div>
        </DialogFrame>
      )}
    </>
  );
}
