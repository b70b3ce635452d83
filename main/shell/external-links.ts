// External links: the system browser opens an https link only after the user confirmed its full URL in main.
import { externalUrlToOpen } from './navigation';

/** Shows the full URL in a main-process dialog; true only when the user chose to open it. */
export type ConfirmOpenExternal = (url: string) => Promise<boolean>;

/**
 * Wraps `shell.openExternal`: https only (no credentials), deny by default, and one dialog at a time so a page
 * cannot stack prompts; links clicked while a dialog is open are dropped.
 */
export function createExternalOpener(confirm: ConfirmOpenExternal, open: (url: string) => unknown) {
  let asking = false;
  return async (url: string): Promise<void> => {
    const approved = externalUrlToOpen(url);
    if (!approved || asking) return;
    asking = true;
    let yes = false;
    try {
      yes = (await confirm(approved)) === true;
    } catch {
      yes = false;
    } finally {
      asking = false;
    }
    if (yes) await open(approved);
  };
}
