package api

import "time"

// SetUploadTimeouts shortens the upload progress deadlines for a test and
// returns a function restoring them.
func SetUploadTimeouts(idle, total time.Duration) func() {
	oldIdle, oldTotal := uploadIdleTimeout, uploadMaxDuration
	uploadIdleTimeout, uploadMaxDuration = idle, total
	return func() { uploadIdleTimeout, uploadMaxDuration = oldIdle, oldTotal }
}
