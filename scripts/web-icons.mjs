#!/usr/bin/env node
// web-icons.mjs draws the app's install icons (web/public/icons/*.png) with
// no external asset: a white "V" on Vikalp's purple, anti-aliased by 4×4
// supersampling, written as plain PNG with node:zlib. Run it again only to
// change the design; its output is committed.
//
//   node scripts/web-icons.mjs
import { deflateSync } from 'node:zlib';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'web', 'public', 'icons');
const purple = [0x5b, 0x2a, 0x86];
const white = [0xff, 0xff, 0xff];

// distToSegment is the distance from p to the segment a–b.
function distToSegment(px, py, ax, ay, bx, by) {
  const dx = bx - ax, dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

// inGlyph reports whether the unit-square point (x, y) is on the "V": two
// round-capped strokes meeting at the bottom, scaled by s around the centre.
function inGlyph(x, y, s) {
  const u = (x - 0.5) / s + 0.5, v = (y - 0.5) / s + 0.5;
  const w = 0.09;
  return distToSegment(u, v, 0.2, 0.2, 0.5, 0.8) < w || distToSegment(u, v, 0.8, 0.2, 0.5, 0.8) < w;
}

// draw renders a size×size RGBA icon; glyph is the V's scale (smaller for
// maskable icons, whose outer 10 % may be cut off by the launcher's mask).
function draw(size, glyph) {
  const px = Buffer.alloc(size * size * 4);
  const n = 4;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let hits = 0;
      for (let sy = 0; sy < n; sy++) {
        for (let sx = 0; sx < n; sx++) {
          if (inGlyph((x + (sx + 0.5) / n) / size, (y + (sy + 0.5) / n) / size, glyph)) hits++;
        }
      }
      const a = hits / (n * n);
      const i = (y * size + x) * 4;
      for (let c = 0; c < 3; c++) px[i + c] = Math.round(purple[c] * (1 - a) + white[c] * a);
      px[i + 3] = 255;
    }
  }
  return png(size, px);
}

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

// png encodes 8-bit RGBA pixels (filter 0 on every row).
function png(size, px) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) px.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

for (const [name, size, glyph] of [
  ['icon-192.png', 192, 0.8],
  ['icon-512.png', 512, 0.8],
  ['maskable-512.png', 512, 0.6],
  ['apple-touch-icon.png', 180, 0.7],
]) {
  writeFileSync(join(out, name), draw(size, glyph));
  console.log('wrote', join('web/public/icons', name));
}
