// Permission policy: camera, microphone and screen capture for the app's own origin only; everything else denied.
import { isAppUrl } from './origin';

/** Permissions a call needs. Electron names screen capture 'display-capture'; 'media' covers camera/mic. */
const GRANTED_TO_APP = new Set(['media', 'display-capture', 'clipboard-sanitized-write', 'fullscreen']);
const MEDIA_TYPES = new Set(['audio', 'video']);

export interface PermissionRequest {
  permission: string;
  /** Origin or URL of the frame asking (Electron passes the requesting URL). */
  requestingUrl: string | undefined;
  /** For 'media': the kinds asked for. */
  mediaTypes?: readonly string[];
  /** Whether the request comes from the top frame; subframes never get anything. */
  isMainFrame?: boolean;
}

export function isPermissionGranted(request: PermissionRequest): boolean {
  if (!isAppUrl(request.requestingUrl)) return false;
  if (request.isMainFrame === false) return false;
  if (!GRANTED_TO_APP.has(request.permission)) return false;
  if (request.permission === 'media') {
    const types = request.mediaTypes ?? [];
    return types.length > 0 && types.every((t) => MEDIA_TYPES.has(t));
  }
  return true;
}

/** Synchronous checks (`setPermissionCheckHandler`) follow the same policy. */
export function isPermissionCheckAllowed(permission: string, requestingOrigin: string | undefined): boolean {
  return isPermissionGranted({ permission, requestingUrl: requestingOrigin, mediaTypes: ['audio', 'video'] });
}
