package secure

import (
	"io"
	"os"
)

// createSecretFile writes a new key file readable by its owner only. It
// never overwrites an existing file, since that would lose the old key, and
// leaves no half-written file behind: a key file is either whole and on
// disk (synced) or absent.
func createSecretFile(path string, write func(io.Writer) error) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	err = write(f)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
	}
	return err
}
