package ingest

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"golang.org/x/sync/errgroup"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/geo"
	"github.com/vikalp/vikalp/internal/pg"
	"github.com/vikalp/vikalp/internal/text"
	"github.com/vikalp/vikalp/jurisdiction"
)

// Import formats.
const (
	FormatCSV     = "csv"
	FormatGeoJSON = "geojson"
)

// ImportOptions tunes ImportReports.
type ImportOptions struct {
	// Format is FormatCSV or FormatGeoJSON; empty detects it from the first
	// character ("{" is GeoJSON).
	Format string
	// MaxRejections stops keeping rejection details past this many (they
	// are still counted); default 1000.
	MaxRejections int
	// BatchRows is how many valid rows go into one transaction (20,000):
	// small enough that parsing the next batch overlaps with loading this one.
	BatchRows int
	// Workers is how many batches load at once, each on its own
	// connection; more than 1 needs a db that allows concurrent use (a
	// pool, not a transaction). Default 1.
	Workers int
}

func (o ImportOptions) withDefaults() ImportOptions {
	if o.MaxRejections <= 0 {
		o.MaxRejections = 1000
	}
	if o.BatchRows <= 0 {
		o.BatchRows = 20_000
	}
	if o.Workers <= 0 {
		o.Workers = 1
	}
	return o
}

// ImportSummary says what an import did. Importing the same file again
// loads nothing: every row is AlreadyImported.
type ImportSummary struct {
	Rows            int               // data rows read
	Loaded          int               // reports inserted by this run
	AlreadyImported int               // rows whose source_id was already stored
	RejectedCount   int               // rows refused, with reasons below
	Rejected        []ImportRejection // the first MaxRejections refusals, in file order
}

// ImportRejection is one refused row: its line (CSV, counting the header as
// line 1) or feature number (GeoJSON, from 1) and why.
type ImportRejection struct {
	Line   int
	Reason string
}

// String renders "line 7: latitude must be between -90 and 90".
func (r ImportRejection) String() string { return fmt.Sprintf("line %d: %s", r.Line, r.Reason) }

// importRow is one valid row ready for the staging table.
type importRow struct {
	line       int
	sourceID   string
	occurredAt time.Time
	category   Category
	body       string
	lat, lon   float64
	cells      geo.Cells
}

// ImportReports bulk-loads historical hotspot reports from CSV (columns
// time, lat, lon, category, text, source_id in any order, by header) or a
// GeoJSON FeatureCollection of Points (properties time, category, text,
// source_id). Rows are validated and H3-indexed in Go and gathered into
// batches; each batch is one transaction. Rows in r8 cells that route
// unambiguously (route_cells, read once per import and checked in each
// batch) are routed in Go and COPYed straight into reports; the rest are
// COPYed into a temporary staging table, routed set-wise by exact
// point-in-polygon SQL (LoadStagedBatch) and inserted with INSERT … SELECT
// … ON CONFLICT (source_id) DO NOTHING (importer_cells.go). Up to
// opts.Workers batches load at once. A failed import may leave whole
// earlier batches loaded; running it again loads the rest and duplicates
// nothing. Imported reports are approved (they come from an operator, not
// the public), have no code and are not duplicate-linked.
func ImportReports(ctx context.Context, db pg.DBTX, r io.Reader, opts ImportOptions) (ImportSummary, error) {
	opts = opts.withDefaults()
	br := bufio.NewReaderSize(r, 1<<16)
	format, err := detectFormat(br, opts.Format)
	if err != nil {
		return ImportSummary{}, err
	}
	src := &importSource{sum: &ImportSummary{}, maxRejections: opts.MaxRejections, seen: map[string]int{}}
	if format == FormatCSV {
		err = src.openCSV(br)
	} else {
		err = src.openGeoJSON(br)
	}
	if err != nil {
		return ImportSummary{}, err
	}
	if err := src.load(ctx, db, opts); err != nil {
		return src.summary(), fmt.Errorf("import reports: %w", err)
	}
	return src.summary(), nil
}

// detectFormat returns the import format, peeking at the first non-space
// byte when none is given.
func detectFormat(br *bufio.Reader, format string) (string, error) {
	switch strings.ToLower(format) {
	case FormatCSV, FormatGeoJSON:
		return strings.ToLower(format), nil
	case "json":
		return FormatGeoJSON, nil
	case "":
	default:
		return "", vikalp.InvalidField("format", "bad_format", "format must be csv or geojson")
	}
	for n := 1; n <= 64; n++ {
		b, err := br.Peek(n)
		if len(b) < n {
			return FormatCSV, nil
		}
		if err != nil {
			return "", err
		}
		switch c := b[n-1]; {
		case c == '{':
			return FormatGeoJSON, nil
		case c != ' ' && c != '\n' && c != '\r' && c != '\t' && c != 0xEF && c != 0xBB && c != 0xBF:
			return FormatCSV, nil
		}
	}
	return FormatCSV, nil
}

// importSource reads rows, records refusals and loads batches.
type importSource struct {
	next          func() (importRow, bool, error) // the next valid row, false at the end
	mu            sync.Mutex                      // guards sum while batches load
	sum           *ImportSummary
	maxRejections int
	seen          map[string]int // source_id → line, to refuse repeats within the file
	// routes is route_cells as read at the start (nil or empty: every row
	// takes the staged path); routesStale asks the loaders to read it
	// again after a batch found it out of force (importer_cells.go).
	routes      atomic.Pointer[jurisdiction.RouteCellSet]
	routesStale atomic.Bool
}

// load reads the file in batches and hands them to opts.Workers loaders.
// Parsing (and H3 indexing) overlaps with the database work.
func (s *importSource) load(ctx context.Context, db pg.DBTX, opts ImportOptions) error {
	// Rows route by their H3 cell where route_cells has one; a
	// jurisdiction change empties it until rebuilt, here if not before.
	if _, _, err := jurisdiction.EnsureRouteCells(ctx, db); err != nil {
		return err
	}
	if err := s.loadRoutes(ctx, db); err != nil {
		return err
	}
	g, ctx := errgroup.WithContext(ctx)
	batches := make(chan []importRow, opts.Workers)
	g.Go(func() error {
		defer close(batches)
		for {
			batch, err := s.readBatch(opts.BatchRows)
			if err != nil || len(batch) == 0 {
				return err
			}
			select {
			case batches <- batch:
			case <-ctx.Done():
				return ctx.Err()
			}
		}
	})
	for range opts.Workers {
		g.Go(func() error {
			for batch := range batches {
				if s.routesStale.Swap(false) {
					if err := s.loadRoutes(ctx, db); err != nil {
						return err
					}
				}
				if err := pg.WithTx(ctx, db, func(tx pgx.Tx) error { return s.loadBatch(ctx, tx, batch) }); err != nil {
					return err
				}
			}
			return nil
		})
	}
	return g.Wait()
}

// loadRoutes reads route_cells for the loaders (empty when it is not
// valid: a jurisdiction change since EnsureRouteCells, not rebuilt yet).
func (s *importSource) loadRoutes(ctx context.Context, db pg.DBTX) error {
	set, _, err := jurisdiction.NewRouteCellStore(db).Load(ctx)
	if err != nil {
		return err
	}
	s.routes.Store(&set)
	return nil
}

// readBatch returns up to n valid rows (none at the end of the file).
func (s *importSource) readBatch(n int) ([]importRow, error) {
	batch := make([]importRow, 0, min(n, 4096))
	for len(batch) < n {
		row, ok, err := s.next()
		if err != nil || !ok {
			return batch, err
		}
		batch = append(batch, row)
	}
	return batch, nil
}

// summary returns the summary with rejections in file order.
func (s *importSource) summary() ImportSummary {
	s.mu.Lock()
	defer s.mu.Unlock()
	sum := *s.sum
	sum.Rejected = slices.Clone(sum.Rejected)
	slices.SortStableFunc(sum.Rejected, func(a, b ImportRejection) int { return a.Line - b.Line })
	return sum
}

// countRow counts one data row read.
func (s *importSource) countRow() {
	s.mu.Lock()
	s.sum.Rows++
	s.mu.Unlock()
}

// reject records a refused row.
func (s *importSource) reject(line int, reason string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sum.RejectedCount++
	if len(s.sum.Rejected) < s.maxRejections {
		s.sum.Rejected = append(s.sum.Rejected, ImportRejection{Line: line, Reason: reason})
	}
}

// accept validates one row's fields; a refusal is recorded and false
// returned.
func (s *importSource) accept(line int, f rawFields) (importRow, bool) {
	s.countRow()
	row, err := f.parse(line)
	if err == nil {
		if first, dup := s.seen[row.sourceID]; dup {
			err = fmt.Errorf("source_id %q repeats line %d", row.sourceID, first)
		}
	}
	if err != nil {
		s.reject(line, userMessage(err))
		return importRow{}, false
	}
	s.seen[row.sourceID] = line
	return row, true
}

// csvColumns maps accepted header names to fields.
var csvColumns = map[string]string{
	"time": "time", "occurred_at": "time", "datetime": "time", "date": "time",
	"lat": "lat", "latitude": "lat", "lon": "lon", "lng": "lon", "long": "lon", "longitude": "lon",
	"category": "category", "text": "text", "description": "text",
	"source_id": "source_id", "source id": "source_id", "id": "source_id",
}

// openCSV reads the header and prepares row-by-row parsing.
func (s *importSource) openCSV(r io.Reader) error {
	cr := csv.NewReader(r)
	cr.ReuseRecord = true
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return vikalp.InvalidField("file", "bad_csv", "the file has no CSV header row")
	}
	idx := map[string]int{}
	for i, h := range header {
		name := strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\uFEFF")))
		if f, ok := csvColumns[name]; ok {
			if _, dup := idx[f]; !dup {
				idx[f] = i
			}
		}
	}
	for _, need := range []string{"time", "lat", "lon", "category", "source_id"} {
		if _, ok := idx[need]; !ok {
			return vikalp.InvalidField("file", "missing_column",
				"the CSV header needs columns time, lat, lon, category, text and source_id; "+need+" is missing")
		}
	}
	s.next = func() (importRow, bool, error) {
		for {
			rec, err := cr.Read()
			if errors.Is(err, io.EOF) {
				return importRow{}, false, nil
			}
			if err != nil {
				var pe *csv.ParseError
				if errors.As(err, &pe) {
					s.countRow()
					s.reject(pe.StartLine, "malformed CSV: "+pe.Err.Error())
					continue
				}
				return importRow{}, false, fmt.Errorf("read csv: %w", err)
			}
			// FieldPos panics unless the last Read succeeded.
			line, _ := cr.FieldPos(0)
			if row, ok := s.accept(line, csvFields(rec, idx)); ok {
				return row, true, nil
			}
		}
	}
	return nil
}

// rawFields are one row's values as text.
type rawFields struct {
	time, lat, lon, category, text, sourceID string
}

func csvFields(rec []string, idx map[string]int) rawFields {
	get := func(f string) string {
		i, ok := idx[f]
		if !ok || i >= len(rec) {
			return ""
		}
		return strings.TrimSpace(rec[i])
	}
	return rawFields{time: get("time"), lat: get("lat"), lon: get("lon"), category: get("category"),
		text: get("text"), sourceID: get("source_id")}
}

// parse validates the fields and indexes the location.
func (f rawFields) parse(line int) (importRow, error) {
	row := importRow{line: line, sourceID: text.Clean(f.sourceID)}
	if row.sourceID == "" || len(row.sourceID) > 200 {
		return row, errors.New("source_id must have 1 to 200 characters")
	}
	var err error
	if row.occurredAt, err = parseImportTime(f.time); err != nil {
		return row, err
	}
	if row.lat, err = strconv.ParseFloat(f.lat, 64); err != nil {
		return row, errors.New("lat is not a number")
	}
	if row.lon, err = strconv.ParseFloat(f.lon, 64); err != nil {
		return row, errors.New("lon is not a number")
	}
	if err := geo.CheckInUP(row.lat, row.lon); err != nil {
		return row, err
	}
	if row.category, err = ParseCategory(f.category); err != nil {
		return row, err
	}
	if row.body, err = text.Field("text", f.text, MaxReportText); err != nil {
		return row, err
	}
	row.cells, err = geo.Index(row.lat, row.lon)
	return row, err
}

// importTimeLayouts are the accepted time formats; times without an offset
// are IST.
var importTimeLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04:05",
	"2006-01-02T15:04", "2006-01-02 15:04", "2006-01-02", "02/01/2006 15:04", "02/01/2006"}

func parseImportTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, errors.New("time is missing")
	}
	for _, layout := range importTimeLayouts {
		if t, err := time.ParseInLocation(layout, s, vikalp.IST); err == nil {
			return t.UTC().Truncate(time.Microsecond), nil
		}
	}
	return time.Time{}, fmt.Errorf("time %q is not like 2019-06-01T18:30:00+05:30 or 2019-06-01 18:30", s)
}

// userMessage returns the safe message of a validation error.
func userMessage(err error) string {
	if ue, ok := vikalp.AsUserError(err); ok {
		if ue.Field != "" && !strings.HasPrefix(ue.Message, ue.Field) {
			return ue.Field + ": " + ue.Message
		}
		return ue.Message
	}
	return err.Error()
}
