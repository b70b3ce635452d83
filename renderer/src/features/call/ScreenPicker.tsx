// The in-app screen/window picker: main lists the sources, the user picks one, main grants exactly that one.
import { useEffect, useRef, useState } from 'react';
import { DialogFrame } from '../common/DialogFrame';
import type { DisplaySourceInfo } from '../../../../protocol/ipc-media';
import { safeText } from '../../lib/safe-text';
import { errorText, unwrap } from '../../lib/veil';

export interface ScreenPickerProps {
  /** Called after main recorded the choice; the caller then calls getDisplayMedia (still inside the click's activation). */
  onPicked: () => void;
  onClose: () => void;
}

export function ScreenPicker({ onPicked, onClose }: ScreenPickerProps) {
  const [sources, setSources] = useState<DisplaySourceInfo[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const first = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    let live = true;
    unwrap(window.veil.media.listSources()).then((list) => { if (live) setSources(list); }, (err: unknown) => { if (live) setError(errorText(err)); });
    return () => { live = false; };
  }, []);
  useEffect(() => { first.current?.focus(); }, [sources]);

  const pick = async (id: string) => {
    try {
      await unwrap(window.veil.media.chooseSource(id));
      onPicked();
    } catch (err) {
      setError(errorText(err));
    }
  };
  const screens = sources?.filter((s) => s.kind === 'screen') ?? [];
  const windows = sources?.filter((s) => s.kind === 'window') ?? [];
  const ordered = [...screens, ...windows];

  return (
    <DialogFrame label="Choose what to share" testId="screen-picker" onEscape={onClose} className="picker">
        <h2>Choose what to share</h2>
        <p className="muted">Everyone in the call will see it. Pick a single window to keep the rest of your screen private.</p>
        {error && <p className="error" role="alert" data-testid="picker-error">{error}</p>}
        {sources === null && !error && <p className="muted">Looking for screens and windows…</p>}
        {sources !== null && ordered.length === 0 && <p className="muted" data-testid="picker-empty">No screen or window can be shared.</p>}
        <ul className="picker-grid">
          {ordered.map((s, i) => (
            <li key={s.id}>
              <button type="button" className="picker-source" data-testid="picker-source" data-source-id={s.id}
                ref={i === 0 ? first : undefined} onClick={() => void pick(s.id)}
                aria-label={`${s.kind === 'screen' ? 'Screen' : 'Window'}: ${safeText(s.name)}`}>
                {s.thumbnail && <img src={s.thumbnail} alt="" width={160} height={90} />}
                <bdi>{safeText(s.name)}</bdi>
              </button>
            </li>
          ))}
        </ul>
        <div className="dialog-actions">
          <button type="button" onClick={onClose} data-testid="picker-cancel">Cancel</button>
        </div>
    </DialogFrame>
  );
}
