// A button that copies one piece of text to the clipboard and says, in place, whether it worked.
import { useEffect, useState } from 'react';

interface Props { text: string; label: string; testId: string; className?: string }

export function CopyButton({ text, label, testId, className }: Props) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  useEffect(() => {
    if (state === 'idle') return;
    const t = setTimeout(() => setState('idle'), 2500);
    return () => clearTimeout(t);
  }, [state]);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setState('copied');
    } catch {
      setState('failed');
    }
  };
  return (
    <button type="button" className={className ?? 'ghost small'} onClick={() => void copy()} data-testid={testId} data-state={state}
      aria-live="polite">
      {state === 'copied' ? 'Copied' : state === 'failed' ? 'Could not copy: select the text instead' : label}
    </button>
  );
}
