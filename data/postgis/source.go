package postgis

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgxlisten"

	"beibeimap/geo"
)

// Back-off between attempts to reach a database that is down: the first
// retry waits minBackoff, each failed one doubles the wait up to
// maxBackoff.
const (
	minBackoff = 100 * time.Millisecond
	maxBackoff = 5 * time.Second
)

// Source is a PostGIS database the service reads its collections from.
// Snapshot and Watch are safe for concurrent use; Watch runs once.
type Source struct {
	cfg *pgx.ConnConfig
	log *slog.Logger
	// failures counts the consecutive failed attempts to (re)connect the
	// listener, for the back-off.
	failures atomic.Int32
}

// NewSource returns the source of the database named by url (a
// postgres:// URL or a libpq key=value string, see pgx.ParseConfig). It
// does not connect; log receives Watch's reports.
func NewSource(url string, log *slog.Logger) (*Source, error) {
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("postgis: %w", err)
	}
	return &Source{cfg: cfg, log: log}, nil
}

// String names the database without its password.
func (s *Source) String() string {
	return fmt.Sprintf("postgres://%s@%s:%d/%s", s.cfg.User, s.cfg.Host, s.cfg.Port, s.cfg.Database)
}

// Snapshot connects, loads and indexes the collections (LoadSnapshot) and
// disconnects. Errors wrap geo.ErrInvalid for bad data and
// geo.ErrUnavailable for a database that cannot be reached.
func (s *Source) Snapshot(ctx context.Context) (*geo.Snapshot, error) {
	conn, err := pgx.ConnectConfig(ctx, s.cfg.Copy())
	if err != nil {
		return nil, unavailable(err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	return LoadSnapshot(ctx, conn)
}

// Watch keeps store up to date with the database until ctx ends, and
// returns nil then. It listens on Channel; every notification, and every
// (re)connection of the listener (edits may have been made while it was
// away), asks for a reload. Requests arriving while a reload runs are
// folded into one more reload, so a burst of edits costs at most two.
// A reload that fails — bad data, or the database gone — is logged and
// leaves the data being served as it is; one that loads the data already
// served (same version) publishes nothing. A lost connection is retried
// with exponential back-off from 100 ms to 5 s. loaded, when not nil, is
// told of every reload: the snapshot published (nil when the data was
// unchanged), how long the load took, and the error of a failed one.
func (s *Source) Watch(ctx context.Context, store *geo.Store, loaded func(*geo.Snapshot, time.Duration, error)) error {
	if loaded == nil {
		loaded = func(*geo.Snapshot, time.Duration, error) {}
	}
	want := make(chan struct{}, 1)
	ask := func() {
		select {
		case want <- struct{}{}:
		default:
		}
	}
	l := &pgxlisten.Listener{
		Connect: s.connect,
		LogError: func(ctx context.Context, err error) {
			if ctx.Err() == nil {
				s.log.Warn("postgis: listener: serving the last good data; reconnecting", "source", s.String(), "err", err)
			}
		},
		ReconnectDelay: -1, // connect waits instead, with back-off
	}
	l.Handle(Channel, handler{ask: ask, connected: func() { s.failures.Store(0) }})
	rctx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			select {
			case <-rctx.Done():
				return
			case <-want:
				s.reload(rctx, store, loaded)
			}
		}
	}()
	err := l.Listen(ctx)
	stop() // also when Listen gave up on its own
	<-done
	if errors.Is(err, context.Canceled) || ctx.Err() != nil {
		return nil
	}
	return fmt.Errorf("postgis: listen: %w", err)
}

// connect opens the listener's connection, first waiting out the back-off
// of earlier failures.
func (s *Source) connect(ctx context.Context) (*pgx.Conn, error) {
	if n := s.failures.Load(); n > 0 {
		wait := minBackoff << min(n-1, 10)
		if wait > maxBackoff {
			wait = maxBackoff
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, ctx.Err()
		case <-t.C:
		}
	}
	// Counted as failed until the listener has subscribed (connected
	// resets it), so that a connection that drops at once backs off too.
	s.failures.Add(1)
	return pgx.ConnectConfig(ctx, s.cfg.Copy())
}

func (s *Source) reload(ctx context.Context, store *geo.Store, loaded func(*geo.Snapshot, time.Duration, error)) {
	start := time.Now()
	snap, err := s.Snapshot(ctx)
	took := time.Since(start)
	if err != nil {
		if ctx.Err() == nil {
			s.log.Error("postgis: reload failed; still serving the previous data", "source", s.String(), "err", err)
			loaded(nil, took, err)
		}
		return
	}
	if old := store.Snapshot(); old != nil && old.Version() == snap.Version() {
		loaded(nil, took, nil)
		return
	}
	store.Swap(snap)
	loaded(snap, took, nil)
	s.log.Info("postgis: reloaded", "source", s.String(), "version", snap.Version(),
		"collections", len(snap.Collections()), "took", took.Round(time.Millisecond))
}

// handler turns notifications and (re)connections into reload requests.
type handler struct {
	ask       func()
	connected func()
}

var (
	_ pgxlisten.Handler        = handler{}
	_ pgxlisten.BacklogHandler = handler{}
)

// HandleNotification asks for a reload.
func (h handler) HandleNotification(context.Context, *pgconn.Notification, *pgx.Conn) error {
	h.ask()
	return nil
}

// HandleBacklog runs once the listener has subscribed: the connection
// works, and whatever changed while it was down is read by one reload.
func (h handler) HandleBacklog(context.Context, string, *pgx.Conn) error {
	h.connected()
	h.ask()
	return nil
}
