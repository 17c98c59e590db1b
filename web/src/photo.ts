/** LatLon is a point in degrees (WGS 84). */
export interface LatLon {
  lat: number;
  lon: number;
}

/** photoTypes are the image types the server accepts. */
export const photoTypes = 'image/jpeg,image/png,image/webp';

/**
 * photoGPS reads the GPS position a photo carries in its EXIF block, in the
 * browser (the file is not uploaded for this). exifr's lite build is loaded
 * only when a photo is chosen, so the page itself stays small. null when
 * the photo has no usable position.
 */
export async function photoGPS(file: Blob): Promise<LatLon | null> {
  try {
    const exifr = await import('exifr/dist/lite.esm.mjs');
    const gps = await exifr.gps(file);
    if (!gps || !Number.isFinite(gps.latitude) || !Number.isFinite(gps.longitude)) return null;
    if (gps.latitude === 0 && gps.longitude === 0) return null;
    return { lat: gps.latitude, lon: gps.longitude };
  } catch {
    return null; // not a JPEG with EXIF, or unreadable: the pin is placed by hand
  }
}

/** firstGPS returns the position of the first photo that has one (as the server picks it). */
export async function firstGPS(files: Blob[]): Promise<LatLon | null> {
  for (const f of files) {
    const p = await photoGPS(f);
    if (p) return p;
  }
  return null;
}

/** roundCoord keeps 6 decimals (about 10 cm), enough for any pin. */
export function roundCoord(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
