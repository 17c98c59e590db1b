// Package pmtiles reads PMTiles v3 archives
// (https://github.com/protomaps/PMTiles/blob/main/spec/v3/spec.md) from a
// local file, an http(s) URL or an S3 object, with one range read per
// directory and per tile: the archive is never loaded whole.
//
// It exists instead of github.com/protomaps/go-pmtiles because that package
// links SQLite, gocloud's GCS and Azure drivers, gRPC and Envoy protobufs
// into every Vikalp process (36 MB of binary and ~40 MB of worker memory at
// start-up) to serve one small read path. go-pmtiles stays in the tests, where
// internal/pmtilestest writes archives with its serialisers and so checks
// this reader against the reference implementation.
//
// Invariants:
//   - The 127-byte header and the root directory are read once at Open; leaf
//     directories are read on demand and kept, decompressed, in an LRU
//     bounded by bytes (Options.CacheBytes).
//   - A tile is a walk of at most four directories (root and three levels of
//     leaves, as the spec bounds it) and then one range read of its bytes.
//   - Internal compression none and gzip are read; tiles are returned as
//     stored, whatever their compression (Header.TileCompression says which).
//   - An Archive is safe for concurrent use.
//   - A remote archive replaced while open (its ETag changes) is detected on
//     the next read: the header and root are read again and the lookup is
//     retried once; ErrChanged reports a change that persists.
package pmtiles
