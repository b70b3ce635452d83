// The frame every modal dialog uses: overlay, card, role and label, and the shared focus / Escape behaviour.
import { useRef, type ReactNode } from 'react';
import { useDialog } from '../../lib/use-dialog';

interface Props {
  label: string;
  testId: string;
  /** Null: Escape does not dismiss (a decision that must be made). */
  onEscape: (() => void) | null;
  className?: string;
  overlayClassName?: string;
  role?: 'dialog' | 'alertdialog';
  data?: Record<string, string>;
  children: ReactNode;
}

export function DialogFrame({ label, testId, onEscape, className, overlayClassName, role = 'dialog', data, children }: Props) {
  const ref = useRef<HTMLDivElement>(null);
  useDialog(ref, onEscape);
  return (
    <div className={`overlay ${overlayClassName ?? ''}`} role={role} aria-modal="true" aria-label={label} data-testid={testId} ref={ref}
      {...Object.fromEntries(Object.entries(data ?? {}).map(([k, v]) => [`data-${k}`, v]))}>
      <div className={`card dialog ${className ?? ''}`}>{children}</div>
    </div>
  );
}
