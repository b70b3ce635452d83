// The invite link as a QR code, drawn as SVG squares from the qrcode library's matrix (no HTML injection, no canvas).
import { useMemo } from 'react';
import QRCode from 'qrcode';

/** Module squares as one SVG path; a 4-module quiet zone as the QR standard asks. */
export function qrPath(text: string): { size: number; path: string } {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const quiet = 4;
  let path = '';
  for (let row = 0; row < modules.size; row++) {
    for (let col = 0; col < modules.size; col++) if (modules.get(row, col)) path += `M${col + quiet} ${row + quiet}h1v1h-1z`;
  }
  return { size: modules.size + quiet * 2, path };
}

export function InviteQr({ link }: { link: string }) {
  const { size, path } = useMemo(() => qrPath(link), [link]);
  return (
    <svg className="invite-qr" data-testid="invite-qr" role="img" aria-label="QR code of the invite link" viewBox={`0 0 ${size} ${size}`}
      width={size * 4} height={size * 4} shapeRendering="crispEdges">
      <rect width={size} height={size} fill="#fff" />
      <path d={path} fill="#000" />
    </svg>
  );
}
