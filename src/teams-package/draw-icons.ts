import { encodePng } from "./encode-png.js";

/** warden's accent colour; the manifest's `accentColor` is the same. */
export const ACCENT = { r: 0x1f, g: 0x4e, b: 0x79 } as const;

/** Inside warden's mark: a shield (flat top, sides curving to a point), in a unit square. */
function inShield(x: number, y: number): boolean {
  if (y < 0.12 || y > 0.9) return false;
  const halfWidth = y < 0.5 ? 0.34 : 0.34 * Math.sqrt(Math.max(0, 1 - ((y - 0.5) / 0.4) ** 2));
  return Math.abs(x - 0.5) <= halfWidth;
}

/** Inside the keyhole cut out of the shield. */
function inKeyhole(x: number, y: number): boolean {
  const dx = x - 0.5;
  return dx * dx + (y - 0.42) ** 2 < 0.07 ** 2 || (Math.abs(dx) < 0.035 && y >= 0.42 && y < 0.66);
}

/** Draws the mark at `size`, 4×4 supersampled, as RGBA: `paint(coverage)` gives each pixel. */
function draw(size: number, paint: (coverage: number) => [number, number, number, number]): Uint8Array {
  const pixels = new Uint8Array(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let hits = 0;
      for (let sy = 0; sy < 4; sy++) {
        for (let sx = 0; sx < 4; sx++) {
          const x = (px + (sx + 0.5) / 4) / size;
          const y = (py + (sy + 0.5) / 4) / size;
          if (inShield(x, y) && !inKeyhole(x, y)) hits += 1;
        }
      }
      pixels.set(paint(hits / 16), (py * size + px) * 4);
    }
  }
  return pixels;
}

/** The 192×192 colour icon: a white shield on the accent colour, fully opaque (Teams requirement). */
export function drawColorIcon(): Buffer {
  const pixels = draw(192, (c) => [
    Math.round(ACCENT.r + (255 - ACCENT.r) * c),
    Math.round(ACCENT.g + (255 - ACCENT.g) * c),
    Math.round(ACCENT.b + (255 - ACCENT.b) * c),
    255,
  ]);
  return encodePng(192, 192, pixels);
}

/** The 32×32 outline icon: white on a transparent background, as Teams requires. */
export function drawOutlineIcon(): Buffer {
  return encodePng(
    32,
    32,
    draw(32, (c) => [255, 255, 255, Math.round(255 * c)]),
  );
}
