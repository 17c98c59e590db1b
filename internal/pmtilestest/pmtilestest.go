// Package pmtilestest writes small PMTiles v3 archives for tests of the
// street base map (api/basemap.go): one vector layer, "places", with one
// named point in the tile containing it at each zoom, laid out as the
// PMTiles spec says (header, root directory, metadata, tile data) with
// go-pmtiles' own serialisers.
package pmtilestest

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/maptile"
	"github.com/protomaps/go-pmtiles/pmtiles"
)

// Place is the point an archive carries, with its MVT properties
// (Protomaps names: "name", "name:hi", "kind").
type Place struct {
	Lat, Lon   float64
	Properties map[string]any
}

// Archive is a written archive: its path, size and stored (gzipped) tiles.
type Archive struct {
	Path  string
	Size  int64
	Tiles map[maptile.Tile][]byte
}

// Write writes an archive named name.pmtiles in a temporary directory with
// place in the "places" layer of its tile at every zoom from minZoom to
// maxZoom. Tiles and directories are gzip-compressed, as in Protomaps builds.
func Write(t testing.TB, name string, minZoom, maxZoom int, place Place) Archive {
	t.Helper()
	out := Archive{Path: filepath.Join(t.TempDir(), name+".pmtiles"), Tiles: map[maptile.Tile][]byte{}}
	type tileData struct {
		id   uint64
		data []byte
	}
	var list []tileData
	for z := minZoom; z <= maxZoom; z++ {
		a := maptile.At(orb.Point{place.Lon, place.Lat}, maptile.Zoom(z))
		f := geojson.NewFeature(orb.Point{place.Lon, place.Lat})
		f.Properties = place.Properties
		layers := mvt.NewLayers(map[string]*geojson.FeatureCollection{"places": {Features: []*geojson.Feature{f}}})
		layers.ProjectToTile(a)
		data, err := mvt.MarshalGzipped(layers)
		if err != nil {
			t.Fatal(err)
		}
		out.Tiles[a] = data
		list = append(list, tileData{pmtiles.ZxyToID(uint8(a.Z), a.X, a.Y), data})
	}
	slices.SortFunc(list, func(a, b tileData) int { return int(a.id) - int(b.id) })
	var tileBytes []byte
	var entries []pmtiles.EntryV3
	for _, td := range list {
		entries = append(entries, pmtiles.EntryV3{TileID: td.id, Offset: uint64(len(tileBytes)),
			Length: uint32(len(td.data)), RunLength: 1})
		tileBytes = append(tileBytes, td.data...)
	}
	root := pmtiles.SerializeEntries(entries, pmtiles.Gzip)
	meta, err := pmtiles.SerializeMetadata(map[string]any{"name": "UP test extract",
		"vector_layers": []map[string]any{{"id": "places", "fields": map[string]string{"name": "String"}}}}, pmtiles.Gzip)
	if err != nil {
		t.Fatal(err)
	}
	n := uint64(len(entries))
	h := pmtiles.HeaderV3{SpecVersion: 3, RootOffset: pmtiles.HeaderV3LenBytes, RootLength: uint64(len(root)),
		InternalCompression: pmtiles.Gzip, TileCompression: pmtiles.Gzip, TileType: pmtiles.Mvt,
		MinZoom: uint8(minZoom), MaxZoom: uint8(maxZoom), Clustered: true,
		AddressedTilesCount: n, TileEntriesCount: n, TileContentsCount: n,
		MinLonE7: 770000000, MinLatE7: 238000000, MaxLonE7: 847000000, MaxLatE7: 305000000,
		CenterZoom: uint8(minZoom), CenterLonE7: int32(place.Lon * 1e7), CenterLatE7: int32(place.Lat * 1e7)}
	h.MetadataOffset = h.RootOffset + h.RootLength
	h.MetadataLength = uint64(len(meta))
	h.LeafDirectoryOffset = h.MetadataOffset + h.MetadataLength
	h.TileDataOffset = h.LeafDirectoryOffset
	h.TileDataLength = uint64(len(tileBytes))
	var file bytes.Buffer
	for _, part := range [][]byte{pmtiles.SerializeHeader(h), root, meta, tileBytes} {
		file.Write(part)
	}
	if err := os.WriteFile(out.Path, file.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	out.Size = int64(file.Len())
	return out
}
