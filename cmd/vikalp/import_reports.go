package main

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"gocloud.dev/blob"
	"gocloud.dev/blob/fileblob"
	_ "gocloud.dev/blob/s3blob" // s3:// media buckets
	"golang.org/x/term"

	"github.com/vikalp/vikalp/ingest"
)

// newImportReportsCmd builds `vikalp import reports FILE`.
func newImportReportsCmd(a *cli) *cobra.Command {
	var opts ingest.ImportOptions
	cmd := &cobra.Command{
		Use:   "reports FILE.csv|FILE.geojson",
		Short: "Import historical hotspot reports (CSV or GeoJSON points)",
		Long: `reports bulk-loads historical hotspot reports.

CSV needs a header with the columns time, lat, lon, category, text and
source_id (in any order; latitude/longitude and description are accepted too).
GeoJSON is a FeatureCollection of Points with the properties time, category,
text and source_id (or a feature id). Times without an offset are IST;
categories are the report taxonomy's keys or English labels.

Each row is H3-indexed and routed to district, police station, PCR unit and
AHTU. Rows are loaded in batches (one transaction each) with COPY. Rows whose
source_id is already stored are skipped, so the import can be run again, and
after a failure a re-run loads the rest. Refused rows are listed with their
line (CSV) or feature number (GeoJSON) and the reason.

Example: vikalp import reports incidents-2023.csv`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.importReports(cmd, args[0], opts)
		},
	}
	cmd.Flags().StringVar(&opts.Format, "format", "", "csv or geojson (default: from the file's content)")
	cmd.Flags().IntVar(&opts.Workers, "workers", runtime.NumCPU(), "batches loaded at once")
	cmd.Flags().IntVar(&opts.BatchRows, "batch", 20_000, "rows per transaction")
	return cmd
}

// importReports runs the import with a progress bar on a terminal.
func (a *cli) importReports(cmd *cobra.Command, path string, opts ingest.ImportOptions) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if opts.Format == "" {
		switch strings.ToLower(filepath.Ext(path)) {
		case ".geojson", ".json":
			opts.Format = ingest.FormatGeoJSON
		case ".csv":
			opts.Format = ingest.FormatCSV
		}
	}
	pool, err := a.pool(cmd.Context())
	if err != nil {
		return err
	}
	defer pool.Close()
	var r io.Reader = f
	out := cmd.OutOrStdout()
	if st, err := f.Stat(); err == nil && isTerminal(out) {
		bar := progressbar.NewOptions64(st.Size(), progressbar.OptionSetWriter(os.Stderr),
			progressbar.OptionSetDescription("reading "+filepath.Base(path)), progressbar.OptionShowBytes(true),
			progressbar.OptionSetPredictTime(true), progressbar.OptionClearOnFinish(),
			progressbar.OptionThrottle(100*time.Millisecond))
		defer bar.Finish() //nolint:errcheck // display only
		r = io.TeeReader(f, bar)
	}
	sum, err := ingest.ImportReports(cmd.Context(), pool, r, opts)
	printImportSummary(out, path, sum)
	return err
}

// isTerminal reports whether w is a terminal (the progress bar is drawn
// only then, so logs and pipes stay clean).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// printImportSummary writes the counts and every kept rejection.
func printImportSummary(w io.Writer, path string, s ingest.ImportSummary) {
	fmt.Fprintf(w, "%s: %d rows: %d loaded, %d already imported, %d rejected\n",
		filepath.Base(path), s.Rows, s.Loaded, s.AlreadyImported, s.RejectedCount)
	for _, r := range s.Rejected {
		fmt.Fprintf(w, "  rejected %s\n", r)
	}
	if more := s.RejectedCount - len(s.Rejected); more > 0 {
		fmt.Fprintf(w, "  … and %d more rejected rows\n", more)
	}
}

// openMediaBucket opens the media bucket: a local directory (file://, the
// default; created when missing) or an S3-compatible store (s3://bucket?
// region=…&endpoint=…, credentials from the usual AWS environment variables;
// see gocloud.dev/blob/s3blob), e.g. MinIO or a state data-centre object store.
func openMediaBucket(raw string) (*blob.Bucket, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("VIKALP_MEDIA_URL %q is not a URL", raw)
	}
	switch u.Scheme {
	case "file":
		dir := u.Path
		if u.Host != "" { // file://./var/media
			dir = u.Host + u.Path
		}
		return fileblob.OpenBucket(dir, &fileblob.Options{CreateDir: true, NoTempDir: true})
	case "s3":
		return blob.OpenBucket(context.Background(), raw)
	}
	return nil, fmt.Errorf("VIKALP_MEDIA_URL must be a file:// or s3:// URL, not %q", raw)
}
