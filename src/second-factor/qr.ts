// A QR code as a small standalone SVG, for the otpauth URI an authenticator
// app scans. uqr makes the module matrix (byte mode, error correction M); we
// draw it as one stroked path, each row's dark runs a line one module thick
// (~4 KB rather than a <rect> per module), inside the 4-module quiet zone
// ISO/IEC 18004 asks for. No script, no link, no text: only the code.
import { encode } from 'uqr';

const QUIET_ZONE = 4;
const PIXELS_PER_MODULE = 4; // the intrinsic size; CSS may scale it, crisply

export interface QrMatrix {
  version: number;
  /** Modules per side, without the quiet zone: 4 × version + 17. */
  size: number;
  /** rows of modules, true = dark */
  dark: boolean[][];
}

export function qrMatrix(text: string): QrMatrix {
  const qr = encode(text, { ecc: 'M', border: 0 });
  return { version: qr.version, size: qr.size, dark: qr.data };
}

export function qrSvg(text: string): string {
  const { size, dark } = qrMatrix(text);
  const side = size + 2 * QUIET_ZONE;
  let d = '';
  dark.forEach((row, y) => {
    let pen = -1; // where the last run of this row ended, -1 before the first
    for (let x = 0; x < size; x++) {
      if (!row[x]) continue;
      const start = x;
      while (x + 1 < size && row[x + 1]) x++;
      d += pen < 0 ? `M${start + QUIET_ZONE} ${y + QUIET_ZONE}.5` : `m${start - pen} 0`;
      d += `h${x - start + 1}`;
      pen = x + 1;
    }
  });
  const px = side * PIXELS_PER_MODULE;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${px}" height="${px}" viewBox="0 0 ${side} ${side}" shape-rendering="crispEdges">` +
    `<rect width="${side}" height="${side}" fill="#fff"/><path stroke="#000" d="${d}"/></svg>`
  );
}
