// A small confirmation dialog (leave the call, revoke a key): focus on Cancel, Escape cancels, focus returns on close.
import type { ReactNode } from 'react';
import { DialogFrame } from './DialogFrame';

interface Props {
  title: string;
  children?: ReactNode;
  confirmLabel: string;
  danger?: boolean;
  testId: string;
  onConfirm(): void;
  onCancel(): void;
}

export function ConfirmDialog({ title, children, confirmLabel, danger, testId, onConfirm, onCancel }: Props) {
  return (
    <DialogFrame label={title} testId={testId} onEscape={onCancel} className={danger ? 'danger' : ''}>
      <h2>{title}</h2>
      {children}
      <div className="dialog-actions">
        <button onClick={onCancel} data-autofocus data-testid={`${testId}-cancel`}>Cancel</button>
        <button className={danger ? 'danger' : 'primary'} onClick={onConfirm} data-testid={`${testId}-confirm`}>{confirmLabel}</button>
      </div>
    </DialogFrame>
  );
}
