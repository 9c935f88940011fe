package server

import (
	"context"
	"fmt"
)

// WaitDownloads waits until the unfiltered downloads of the current
// snapshot are written (or could not be), or ctx ends. It starts their
// writing if nothing did yet, as a collection document does.
func (s *Server) WaitDownloads(ctx context.Context) error {
	snap, err := s.snapshot()
	if err != nil {
		return err
	}
	fs := s.downloadsFor(snap)
	if fs == nil {
		return fmt.Errorf("server: snapshot %s is no longer current", snap.Version())
	}
	select {
	case <-fs.done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("server: waiting for the downloads: %w", ctx.Err())
	}
}
