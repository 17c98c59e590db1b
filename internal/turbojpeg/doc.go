// Package turbojpeg decodes and encodes JPEG images with libjpeg-turbo's
// TurboJPEG API (cgo, Debian package libturbojpeg0-dev), for the photo
// pipeline of package ingest.
//
// It exists for speed. On the 2-megapixel benchmark photo (one core) Go's
// image/jpeg takes 21 ms to decode and 38 ms to encode it at quality 85,
// most of the photo pipeline's CPU; libjpeg-turbo's SIMD code takes 5.5 and
// 4 ms. It can also decode straight to a smaller size by scaling in the
// DCT (shrink-on-load), so a 12-megapixel phone photo never exists at full
// size in memory when only a 2048-pixel derivative is wanted. Pixels cross
// as planar YCbCr, the form JPEG stores them in, so neither side converts
// colour.
//
// Why not libvips (govips): libvips-dev pulls in about 150 packages,
// poppler (a PDF parser) among them, into a process that parses hostile
// uploads. TurboJPEG is the API of libjpeg-turbo, which Debian already
// ships (with security updates) as its libjpeg; libturbojpeg0-dev adds one
// library and one header.
//
// Safety rules this package keeps:
//   - One TurboJPEG handle per call, destroyed before the call returns; every
//     buffer TurboJPEG allocates is copied into Go memory and freed. C never
//     keeps a Go pointer past a call, and Go never keeps a C pointer.
//   - Errors, and warnings too (TJFLAG_STOPONWARNING), come back as Go
//     errors: a truncated or damaged JPEG is refused, never half decoded.
//     Progressive JPEGs are limited in scans (TJFLAG_LIMITSCANS) and the
//     declared pixel count is checked before any pixel is allocated.
//   - Decode returns ErrUnsupported for what it does not turn into planes
//     (CMYK, YCCK and RGB-coded JPEGs), and a header error for a
//     subsampling TurboJPEG cannot name; the caller decides whether another
//     decoder may try (package ingest lets image/jpeg).
//   - Encode writes a baseline JFIF file: no EXIF, XMP, ICC profile or
//     comment, whatever the source carried.
package turbojpeg
