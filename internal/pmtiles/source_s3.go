package pmtiles

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
)

// s3Source reads an S3 object with ranged GetObject calls, with the
// credentials of the default chain (environment, shared files, instance or
// task role).
type s3Source struct {
	client      *s3.Client
	bucket, key string
}

// openS3 opens s3://bucket/key[?region=…&endpoint=…&use_path_style=true];
// endpoint and use_path_style are for S3-compatible stores such as MinIO.
func openS3(ctx context.Context, u *url.URL) (*s3Source, error) {
	key := strings.TrimPrefix(u.Path, "/")
	if u.Host == "" || key == "" {
		return nil, fmt.Errorf("archive location %s: want s3://bucket/key", u.Redacted())
	}
	q := u.Query()
	for k := range q {
		if k != "region" && k != "endpoint" && k != "use_path_style" {
			return nil, fmt.Errorf("archive location %s: unknown parameter %q (region, endpoint, use_path_style)", u.Redacted(), k)
		}
	}
	var loads []func(*config.LoadOptions) error
	if r := q.Get("region"); r != "" {
		loads = append(loads, config.WithRegion(r))
	}
	cfg, err := config.LoadDefaultConfig(ctx, loads...)
	if err != nil {
		return nil, fmt.Errorf("archive location %s: load AWS configuration: %w", u.Redacted(), err)
	}
	pathStyle, _ := strconv.ParseBool(q.Get("use_path_style"))
	client := s3.NewFromConfig(cfg, func(o *s3.Options) {
		if e := q.Get("endpoint"); e != "" {
			o.BaseEndpoint = aws.String(e)
		}
		o.UsePathStyle = pathStyle
	})
	return &s3Source{client: client, bucket: u.Host, key: key}, nil
}

func (s *s3Source) readRange(ctx context.Context, off, n int64, version string) ([]byte, string, error) {
	in := &s3.GetObjectInput{Bucket: &s.bucket, Key: &s.key,
		Range: aws.String(fmt.Sprintf("bytes=%d-%d", off, off+n-1))}
	if version != "" {
		in.IfMatch = aws.String(version) // S3 answers 412 for another version
	}
	out, err := s.client.GetObject(ctx, in)
	if err != nil {
		var api smithy.APIError
		if errors.As(err, &api) && api.ErrorCode() == "PreconditionFailed" {
			return nil, "", fmt.Errorf("read %s: %w (was %s)", s, ErrChanged, version)
		}
		return nil, "", fmt.Errorf("read %s bytes %d-%d: %w", s, off, off+n-1, err)
	}
	defer out.Body.Close()
	return rangeBody(s, out.Body, aws.ToString(out.ETag), aws.ToString(out.ContentRange), version, off, n)
}

func (s *s3Source) String() string { return "s3://" + s.bucket + "/" + s.key }

func (s *s3Source) Close() error { return nil }
