import jsQR from 'jsqr';
import { qrMatrix, qrSvg } from '../../src/second-factor/qr';
import { newTotpSecret, otpauthUri } from '../../src/second-factor/totp';

const SCALE = 4;

/** Rasterises our SVG from its own markup (viewBox, white rect, one path of runs), as a scanner would see it. */
function rasterise(svg: string): { rgba: Uint8ClampedArray; side: number; dark: boolean[][] } {
  const side = Number(/viewBox="0 0 (\d+) \1"/.exec(svg)![1]);
  const d = /<path stroke="#000" d="([^"]*)"\/>/.exec(svg)![1];
  const dark = Array.from({ length: side }, () => Array<boolean>(side).fill(false));
  // The path's grammar: `M{x} {y}.5` starts a row, `m{gap} 0` skips light modules, `h{n}` draws n dark ones.
  const commands = [...d.matchAll(/M(\d+) (\d+)\.5|m(\d+) 0|h(\d+)/g)];
  expect(commands.map((c) => c[0]).join('')).toBe(d);
  let x = 0;
  let y = 0;
  for (const [, mx, my, gap, run] of commands) {
    if (mx !== undefined) [x, y] = [Number(mx), Number(my)];
    else if (gap !== undefined) x += Number(gap);
    else for (let end = x + Number(run); x < end; x++) dark[y][x] = true;
  }
  const px = side * SCALE;
  const rgba = new Uint8ClampedArray(px * px * 4);
  for (let y = 0; y < px; y++)
    for (let x = 0; x < px; x++) {
      const v = dark[Math.floor(y / SCALE)][Math.floor(x / SCALE)] ? 0 : 255;
      rgba.set([v, v, v, 255], (y * px + x) * 4);
    }
  return { rgba, side, dark };
}

test('the SVG of an otpauth URI scans back to the URI', () => {
  const uri = otpauthUri('Acme Inc', 'alice@example.com', newTotpSecret());
  const svg = qrSvg(uri);
  const { rgba, side } = rasterise(svg);
  const found = jsQR(rgba, side * SCALE, side * SCALE);
  expect(found?.data).toBe(uri);
  expect(svg.length).toBeLessThan(5000);
});

test('the SVG is the library matrix inside a 4-module quiet zone, version-sized', () => {
  const uri = otpauthUri('Acme Inc', 'alice@example.com', Buffer.alloc(20, 7));
  const matrix = qrMatrix(uri);
  expect(matrix.size).toBe(4 * matrix.version + 17);
  expect(matrix.version).toBe(8); // 134 bytes at error correction M
  const svg = qrSvg(uri);
  expect(svg).toMatch(
    new RegExp(
      `^<svg xmlns="http://www.w3.org/2000/svg" width="${(matrix.size + 8) * 4}" height="${(matrix.size + 8) * 4}" viewBox="0 0 ${matrix.size + 8} ${matrix.size + 8}" shape-rendering="crispEdges"><rect width="${matrix.size + 8}" height="${matrix.size + 8}" fill="#fff"/><path stroke="#000" d="[^"]+"/></svg>$`,
    ),
  );
  const { dark } = rasterise(svg);
  const inner = dark.slice(4, -4).map((row) => row.slice(4, -4));
  expect(inner).toEqual(matrix.dark);
  expect(
    dark
      .slice(0, 4)
      .flat()
      .concat(
        dark.slice(-4).flat(),
        dark.flatMap((r) => [...r.slice(0, 4), ...r.slice(-4)]),
      )
      .some(Boolean),
  ).toBe(false);
});

test('the SVG carries nothing but the code: no script, no link, no text', () => {
  const svg = qrSvg('otpauth://totp/a:b?secret=AAAA&issuer=a');
  expect(svg).not.toMatch(/<script|href|<text|<title|on\w+=/i);
  expect(svg).not.toContain('AAAA');
});
