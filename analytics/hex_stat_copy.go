package analytics

import (
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"golang.org/x/sync/errgroup"

	"github.com/vikalp/vikalp/internal/pg"
)

// hexRow is one hex_stats row on its way into COPY.
type hexRow struct {
	windowKey           string
	res                 int16
	cell, runID         int64
	start, end          time.Time
	nReports, nDistinct int32
	score, z, p, pFDR   float64
	bin                 int16
	emerging            EmergingClass
	cold                bool
	district            int32 // 0: NULL
}

// hexRowBatch is a run of rows COPYed as one statement.
type hexRowBatch interface {
	Len() int
	Row(i int) hexRow
}

// copyStream feeds COPY … FROM STDIN (FORMAT binary) as COPY reads it: the
// header, then the rows appendRows encodes (about a megabyte at a time into
// one reused buffer), then the trailer. Encoding by hand skips pgx's
// per-value type planning, which cost more than the rest of the write on a
// million rows.
type copyStream struct {
	// appendRows appends rows to buf while buf has room below limit and
	// reports whether rows remain.
	appendRows func(buf []byte, limit int) ([]byte, bool)
	back       []byte // the buffer rows are encoded into, reused
	buf        []byte // what Read has not returned yet
	end        bool
}

func newCopyStream(appendRows func(buf []byte, limit int) ([]byte, bool)) *copyStream {
	back := make([]byte, 0, 1<<20)
	return &copyStream{appendRows: appendRows, back: back, buf: append(back, copyHeader...)}
}

func (r *copyStream) Read(p []byte) (int, error) {
	for len(r.buf) == 0 {
		if r.end {
			return 0, io.EOF
		}
		buf, more := r.appendRows(r.back[:0], cap(r.back)-2048)
		if !more {
			buf = binary.BigEndian.AppendUint16(buf, math.MaxUint16) // trailer −1
			r.end = true
		}
		r.back, r.buf = buf, buf
	}
	n := copy(p, r.buf)
	r.buf = r.buf[n:]
	return n, nil
}

var copyHeader = []byte("PGCOPY\n\xff\r\n\x00\x00\x00\x00\x00\x00\x00\x00\x00")

// pgEpoch is the zero of PostgreSQL's binary timestamps.
var pgEpoch = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// hexRowsOf returns copyStream's appendRows for batch b.
func hexRowsOf(b hexRowBatch) func(buf []byte, limit int) ([]byte, bool) {
	i := 0
	return func(buf []byte, limit int) ([]byte, bool) {
		for ; i < b.Len() && len(buf) < limit; i++ {
			h := b.Row(i)
			buf = binary.BigEndian.AppendUint16(buf, uint16(len(hexStatColumns)))
			buf = appendBytes(buf, []byte(h.windowKey))
			buf = appendInt(buf, 2, uint64(h.res))
			buf = appendInt(buf, 8, uint64(h.cell))
			buf = appendInt(buf, 8, uint64(h.runID))
			buf = appendInt(buf, 8, uint64(h.start.Sub(pgEpoch).Microseconds()))
			buf = appendInt(buf, 8, uint64(h.end.Sub(pgEpoch).Microseconds()))
			buf = appendInt(buf, 4, uint64(h.nReports))
			buf = appendInt(buf, 4, uint64(h.nDistinct))
			for _, f := range []float64{h.score, h.z, h.p, h.pFDR} {
				buf = appendInt(buf, 8, math.Float64bits(f))
			}
			buf = appendInt(buf, 2, uint64(h.bin))
			if h.emerging == EmergingNone {
				buf = binary.BigEndian.AppendUint32(buf, math.MaxUint32) // NULL
			} else {
				buf = appendBytes(buf, []byte(h.emerging))
			}
			buf = appendBytes(buf, []byte{boolByte(h.cold)})
			if h.district == 0 {
				buf = binary.BigEndian.AppendUint32(buf, math.MaxUint32)
			} else {
				buf = appendInt(buf, 4, uint64(h.district))
			}
		}
		return buf, i < b.Len()
	}
}

func appendBytes(buf, v []byte) []byte {
	buf = binary.BigEndian.AppendUint32(buf, uint32(len(v)))
	return append(buf, v...)
}

func appendInt(buf []byte, size int, v uint64) []byte {
	buf = binary.BigEndian.AppendUint32(buf, uint32(size))
	switch size {
	case 2:
		return binary.BigEndian.AppendUint16(buf, uint16(v))
	case 4:
		return binary.BigEndian.AppendUint32(buf, uint32(v))
	}
	return binary.BigEndian.AppendUint64(buf, v)
}

func boolByte(b bool) byte {
	if b {
		return 1
	}
	return 0
}

// withConn runs fn on a connection of db: one acquired from a pool, or the
// connection of a transaction or a plain connection.
func withConn(ctx context.Context, db pg.DBTX, fn func(*pgx.Conn) error) error {
	switch d := db.(type) {
	case *pgxpool.Pool:
		c, err := d.Acquire(ctx)
		if err != nil {
			return fmt.Errorf("acquire connection: %w", err)
		}
		defer c.Release()
		return fn(c.Conn())
	case pgx.Tx:
		return fn(d.Conn())
	case *pgx.Conn:
		return fn(d)
	}
	return fmt.Errorf("analytics: cannot copy through %T", db)
}

// parallelism is how many connections the write uses at once: on a pool
// COPY streams and index builds run side by side (PostgreSQL works each on
// its own backend); otherwise one.
func parallelism(db pg.DBTX) int {
	if _, ok := db.(*pgxpool.Pool); ok {
		return 2
	}
	return 1
}

// copyBatches COPYs the batches into table as they arrive, on up to
// parallelism(db) connections, until batches is closed.
func copyBatches(ctx context.Context, db pg.DBTX, table string, batches <-chan hexRowBatch) error {
	sql := fmt.Sprintf("COPY %s (%s) FROM STDIN (FORMAT binary)", pgx.Identifier{table}.Sanitize(),
		strings.Join(hexStatColumns, ", "))
	return runParallel(ctx, db, batches, func(c *pgx.Conn, b hexRowBatch) error {
		if _, err := c.PgConn().CopyFrom(ctx, newCopyStream(hexRowsOf(b)), sql); err != nil {
			return fmt.Errorf("copy hex stats: %w", pg.Interpret(err))
		}
		if r, ok := b.(interface{ copied() }); ok {
			r.copied()
		}
		return nil
	})
}

// execParallel runs the statements, in order, on up to parallelism(db)
// connections with maintenance_work_mem raised for index builds.
func execParallel(ctx context.Context, db pg.DBTX, stmts []string) error {
	work := make(chan string, len(stmts))
	for _, q := range stmts {
		work <- q
	}
	close(work)
	return runParallel(ctx, db, work, func(c *pgx.Conn, q string) error {
		if _, err := c.Exec(ctx, q); err != nil {
			return fmt.Errorf("build staging indexes: %w", pg.Interpret(err))
		}
		return nil
	})
}

// runParallel calls fn for every item of work on up to parallelism(db)
// connections. After an error the other connections stop at their next
// item; items left in work are not drained.
func runParallel[T any](ctx context.Context, db pg.DBTX, work <-chan T, fn func(c *pgx.Conn, item T) error) error {
	g, gctx := errgroup.WithContext(ctx)
	for range parallelism(db) {
		g.Go(func() error {
			return withConn(gctx, db, func(c *pgx.Conn) error {
				if _, err := c.Exec(gctx, `SET maintenance_work_mem = '256MB'`); err != nil {
					return fmt.Errorf("set maintenance_work_mem: %w", err)
				}
				defer c.Exec(context.WithoutCancel(gctx), `RESET maintenance_work_mem`) //nolint:errcheck // best effort on a pooled connection
				for item := range work {
					if err := gctx.Err(); err != nil {
						return err
					}
					if err := fn(c, item); err != nil {
						return err
					}
				}
				return nil
			})
		})
	}
	return g.Wait()
}
