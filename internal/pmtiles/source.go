package pmtiles

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// ErrChanged reports that a remote archive was replaced while it was
// open: its ETag differs from the one its header was read with.
var ErrChanged = errors.New("the archive changed while it was open (its ETag differs from the one read at open)")

// source reads byte ranges of one archive.
type source interface {
	// readRange reads n bytes at off. It may return fewer only when the
	// archive ends first. version is the archive's ETag the caller expects
	// ("" to accept any); got is the one the read saw, and a mismatch is
	// ErrChanged.
	readRange(ctx context.Context, off, n int64, version string) (data []byte, got string, err error)
	// String names the archive for errors, without credentials or query.
	String() string
	io.Closer
}

// openSource opens the source a location names: a path or file:// URL,
// an http(s):// URL or an s3://bucket/key URL.
func openSource(ctx context.Context, location string) (source, error) {
	u, err := url.Parse(location)
	if err != nil || len(u.Scheme) <= 1 || u.Scheme == "file" { // a path (C: is a drive, not a scheme)
		return openFile(strings.TrimPrefix(location, "file://"))
	}
	switch u.Scheme {
	case "http", "https":
		return &httpSource{url: u, client: httpClient}, nil
	case "s3":
		return openS3(ctx, u)
	}
	return nil, fmt.Errorf("archive location scheme %q is not supported: use a path, file://, http://, https:// or s3://",
		u.Scheme)
}

// httpClient reads remote archives. Requests carry their caller's context
// (a tile request's, or start-up's bounded one); the timeout is the
// backstop for a caller without a deadline. A range is at most a leaf
// directory or a tile: small.
var httpClient = &http.Client{Timeout: time.Minute}

// fileSource reads a local file through one descriptor held open, so an
// archive replaced by rename (the way to update one) keeps serving the old
// file, consistently, until the process reopens it; overwriting the file in
// place is not safe.
type fileSource struct {
	f *os.File
}

// openFile opens the archive at path.
func openFile(path string) (*fileSource, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("archive path: %w", err)
	}
	f, err := os.Open(abs)
	if err != nil {
		return nil, fmt.Errorf("open archive: %w", err)
	}
	return &fileSource{f: f}, nil
}

func (s *fileSource) readRange(_ context.Context, off, n int64, _ string) ([]byte, string, error) {
	b := make([]byte, n)
	got, err := s.f.ReadAt(b, off)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, "", fmt.Errorf("read %s at %d: %w", s, off, err)
	}
	return b[:got], "", nil
}

func (s *fileSource) String() string { return s.f.Name() }

func (s *fileSource) Close() error { return s.f.Close() }

// httpSource reads an archive over HTTP with Range requests.
type httpSource struct {
	url    *url.URL
	client *http.Client
}

func (s *httpSource) readRange(ctx context.Context, off, n int64, version string) ([]byte, string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.url.String(), nil)
	if err != nil {
		return nil, "", fmt.Errorf("read %s: %w", s, err)
	}
	req.Header.Set("Range", fmt.Sprintf("bytes=%d-%d", off, off+n-1))
	res, err := s.client.Do(req)
	if err != nil {
		return nil, "", fmt.Errorf("read %s: %w", s, err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusPartialContent {
		// 200 would be the whole archive: a server that ignores Range
		// cannot serve one, and is refused rather than downloaded.
		return nil, "", fmt.Errorf("read %s bytes %d-%d: status %d, want 206 Partial Content (the server must honour Range)",
			s, off, off+n-1, res.StatusCode)
	}
	return rangeBody(s, res.Body, res.Header.Get("ETag"), res.Header.Get("Content-Range"), version, off, n)
}

// rangeBody checks a ranged answer from s for bytes off… (its ETag against
// the version expected, "" for any; its Content-Range against off) and
// reads its body, refusing more than the n bytes asked for.
func rangeBody(s source, body io.Reader, etag, contentRange, version string, off, n int64) ([]byte, string, error) {
	if version != "" && etag != version {
		return nil, etag, fmt.Errorf("read %s: %w (ETag %s, was %s)", s, ErrChanged, etag, version)
	}
	if start, err := contentRangeStart(contentRange); err != nil || start != off {
		return nil, "", fmt.Errorf("read %s: Content-Range %q does not start at %d", s, contentRange, off)
	}
	b, err := io.ReadAll(io.LimitReader(body, n+1))
	if err != nil {
		return nil, "", fmt.Errorf("read %s bytes %d-%d: %w", s, off, off+n-1, err)
	}
	if int64(len(b)) > n {
		return nil, "", fmt.Errorf("read %s: more than the %d bytes asked for", s, n)
	}
	return b, etag, nil
}

// contentRangeStart returns the first byte of a "bytes a-b/size" header.
func contentRangeStart(h string) (int64, error) {
	r, ok := strings.CutPrefix(h, "bytes ")
	if !ok {
		return 0, fmt.Errorf("content range %q", h)
	}
	a, _, ok := strings.Cut(r, "-")
	if !ok {
		return 0, fmt.Errorf("content range %q", h)
	}
	return strconv.ParseInt(a, 10, 64)
}

func (s *httpSource) String() string { return s.url.Redacted() }

func (s *httpSource) Close() error { return nil }
