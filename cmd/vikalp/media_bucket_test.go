package main

import (
	"strings"
	"testing"
)

// The media bucket opens a local directory or an S3-compatible store (the
// driver is linked; nothing is contacted until a blob is read or written),
// and refuses other schemes with a message naming the variable.
func TestOpenMediaBucket(t *testing.T) {
	t.Setenv("AWS_ACCESS_KEY_ID", "test")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "test")
	for _, url := range []string{"file://" + t.TempDir(),
		"s3://vikalp-media?region=ap-south-1&endpoint=http://127.0.0.1:9&use_path_style=true"} {
		b, err := openMediaBucket(url)
		if err != nil {
			t.Fatalf("%s: %v", url, err)
		}
		_ = b.Close()
	}
	if _, err := openMediaBucket("ftp://example/media"); err == nil || !strings.Contains(err.Error(), "VIKALP_MEDIA_URL") {
		t.Errorf("ftp:// accepted or unclear error: %v", err)
	}
}
