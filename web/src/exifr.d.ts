// exifr's "lite" build (JPEG/TIFF/HEIC parsers, GPS included) has the same
// API as the package root but no types of its own.
declare module 'exifr/dist/lite.esm.mjs' {
  export * from 'exifr';
  import exifr from 'exifr';
  export default exifr;
}
