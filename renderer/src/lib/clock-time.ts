// Wall-clock times in the UI ("14:05"): one cached formatter, built while the page is idle, not during a join's renders.

let format: Intl.DateTimeFormat | null = null;

/**
 * Hours and minutes in the user's locale. `toLocaleTimeString(…, options)` builds a new `Intl.DateTimeFormat` on every
 * call (the first one in a page loads the locale's data: tens of ms on a busy machine), and the chat log calls it once
 * per line on every render; one formatter, made once, formats the same.
 */
export function clockTime(at: number): string {
  format ??= new Intl.DateTimeFormat([], { hour: '2-digit', minute: '2-digit' });
  return format.format(at);
}

/** Builds the formatter when the page is idle (after start-up), so the first chat line of a call does not pay for it. */
export function warmClockTime(): void {
  const warm = () => { clockTime(0); };
  if (typeof requestIdleCallback === 'function') requestIdleCallback(warm, { timeout: 2000 });
  else setTimeout(warm, 0);
}
