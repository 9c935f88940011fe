package server

import (
	"context"
	"os"
	"strconv"
	"sync"

	"beibeimap/geo"
)

// derived caches, per snapshot, what items pages repeat: the GeoJSON
// encoding of features in the default view (CRS84, every property, with
// geometry), formatting coordinates being most of the cost of a page, and
// the members each page takes from its collection. A snapshot never
// changes, so each collection's features are encoded once per snapshot,
// all together when a page of that collection first needs one (for the
// default data, 1.7 MB in all); and, bounded, the parsed filters and the
// features part of pages asked again (filterCache, pageCache). Everything
// else derived from the data (the lookup index, the gazetteer, the
// fields) is built whole with the geo.Dataset before it is published. It
// is safe for concurrent use.
type derived struct {
	snap *geo.Snapshot
	// cols holds the cache of every collection of snap; it is not
	// changed after newDerived.
	cols map[*geo.Collection]*collectionCache
	// filters keeps parsed CQL2 filters, checked against this snapshot's
	// queryables (bounded; see filterCache).
	filters *filterCache
	// pages keeps the features part of default-view pages asked again,
	// of every collection (bounded; see pageCache).
	pages *pageCache
	// answers keeps the GeoJSON items answers asked for again, of every
	// collection (bounded; see answerCache).
	answers *answerCache
}

// collectionCache is what derived keeps of one collection.
type collectionCache struct {
	c *geo.Collection
	// meta holds the attribution and license members of the collection's
	// items pages (appendCollectionMeta), escaped once.
	meta []byte
	once sync.Once
	// features maps every feature of c to its default-view encoding, set
	// by once and not changed after.
	features map[*geo.Feature][]byte
}

// newDerived returns the derived state of snap, with the members every
// items page of a collection repeats already encoded.
func newDerived(snap *geo.Snapshot) *derived {
	d := &derived{snap: snap, cols: map[*geo.Collection]*collectionCache{}, filters: newFilterCache(), pages: newPageCache(), answers: newAnswerCache()}
	for _, c := range snap.Collections() {
		d.cols[c] = &collectionCache{c: c, meta: appendCollectionMeta(nil, c)}
	}
	return d
}

// collectionMeta appends the attribution and license members of c's items
// pages, from the cache when it holds c.
func (d *derived) collectionMeta(b []byte, c *geo.Collection) []byte {
	if cc := d.collection(c); cc != nil {
		return append(b, cc.meta...)
	}
	return appendCollectionMeta(b, c)
}

// collection returns the cache of c, nil when d is nil or c is not one of
// d's snapshot.
func (d *derived) collection(c *geo.Collection) *collectionCache {
	if d == nil {
		return nil
	}
	return d.cols[c]
}

// encoded returns the default-view encoding of every feature of the
// collection, encoding them on the first call.
func (cc *collectionCache) encoded() map[*geo.Feature][]byte {
	cc.once.Do(func() {
		m := make(map[*geo.Feature][]byte, len(cc.c.Features))
		for _, f := range cc.c.Features {
			m[f] = appendFeature(nil, f, geo.WGS84, nil, false, nil)
		}
		cc.features = m
	})
	return cc.features
}

// pageFeatures returns the features part of page (appendPageFeatures) for
// c's items in the view iq asks for, from the page cache; or nil, with the
// default-view encodings of c when iq asks for that view (else nil too):
// the caller then encodes the page itself.
func (d *derived) pageFeatures(c *geo.Collection, iq *itemsQuery, page []*geo.Feature) (body []byte, encoded map[*geo.Feature][]byte) {
	cc := d.collection(c)
	if cc == nil || !iq.defaultView() {
		return nil, nil
	}
	encoded = cc.encoded()
	return d.pages.body(page, encoded), encoded
}

// derivedFor returns the derived state of snap, replacing that of an older
// snapshot. It is keyed by the snapshot itself, not its version, because
// the caches hold pointers to the snapshot's features. A request still
// holding a snapshot the store no longer serves gets a state of its own,
// unpublished, so that it cannot push the current snapshot's out.
func (s *Server) derivedFor(snap *geo.Snapshot) *derived {
	for {
		d := s.derived.Load()
		if d != nil && d.snap == snap {
			return d
		}
		if snap != s.store.Snapshot() {
			return newDerived(snap)
		}
		// Publish a fresh one unless a racing request already did; then
		// load whichever is there.
		s.derived.CompareAndSwap(d, newDerived(snap))
	}
}

// maxPooledBuffer bounds the response buffers kept for reuse, so that one
// huge page does not pin its memory for good.
const maxPooledBuffer = 4 << 20

// newBuffer is the constructor of Server.bufs.
func newBuffer() any {
	b := make([]byte, 0, 64<<10)
	return &b
}

// downloadKey names an unfiltered download: format f of collection coll
// (the f parameter of downloads), or, coll empty, the dataset file f of
// datasetFiles.
type downloadKey struct{ coll, f string }

// downloadFiles holds the unfiltered downloads of one snapshot, those the
// collection documents link to, as writeDownloads writes them one after
// the other in the background: their lengths go into the enclosure links
// and the files themselves are sent to whoever asks for them. Only the
// snapshot the store serves gets one (downloadsFor), and a newer snapshot
// retires it: generation stops and each file is closed once the last
// answer reading it ends. It is safe for concurrent use.
type downloadFiles struct {
	snap   *geo.Snapshot
	ctx    context.Context
	cancel context.CancelFunc
	// done is closed when writeDownloads returns.
	done chan struct{}

	mu      sync.RWMutex
	retired bool
	ready   map[downloadKey]*readyFile
}

// readyFile is one written download: an open file already unlinked, so
// that its disk space is freed when it is closed and nothing is left
// behind by a crash.
type readyFile struct {
	f    *os.File
	size int64

	mu      sync.Mutex
	users   int
	retired bool
}

// acquire reports whether the file can be read, counting one more reader
// who must call release.
func (r *readyFile) acquire() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.retired {
		return false
	}
	r.users++
	return true
}

// release ends a read started by acquire.
func (r *readyFile) release() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.users--; r.users == 0 && r.retired {
		r.f.Close()
	}
}

// retire closes the file now or, if it is being read, after the last read.
func (r *readyFile) retire() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.retired = true
	if r.users == 0 {
		r.f.Close()
	}
}

// downloadsFor returns the downloadFiles of snap, creating it and starting
// its writeDownloads when snap is the store's current snapshot and has
// none yet (which retires that of the previous snapshot); nil when snap is
// no longer current. A downloadFiles just created has no file ready, so
// the first document built from it carries no length: what it says does
// not depend on how fast the files are written.
func (s *Server) downloadsFor(snap *geo.Snapshot) *downloadFiles {
	for {
		old := s.downloads.Load()
		if old != nil && old.snap == snap {
			return old
		}
		if snap != s.store.Snapshot() {
			return nil
		}
		ctx, cancel := context.WithCancel(context.Background())
		n := &downloadFiles{snap: snap, ctx: ctx, cancel: cancel, done: make(chan struct{}), ready: map[downloadKey]*readyFile{}}
		if s.downloads.CompareAndSwap(old, n) {
			if old != nil {
				old.retire()
			}
			go func() {
				defer close(n.done)
				s.writeDownloads(n)
			}()
			return n
		}
		cancel()
	}
}

// readyDownload returns the written file of key for snap, acquired (the
// caller releases it), or nil when key is nil or that file is not written.
// It never starts writing.
func (s *Server) readyDownload(snap *geo.Snapshot, key *downloadKey) *readyFile {
	fs := s.downloads.Load()
	if key == nil || fs == nil || fs.snap != snap {
		return nil
	}
	fs.mu.RLock()
	defer fs.mu.RUnlock()
	if r := fs.ready[*key]; r != nil && r.acquire() {
		return r
	}
	return nil
}

// length returns the byte length of the download key, 0 when it is not
// written (yet) or fs is nil.
func (fs *downloadFiles) length(key downloadKey) int64 {
	if fs == nil {
		return 0
	}
	fs.mu.RLock()
	defer fs.mu.RUnlock()
	if r := fs.ready[key]; r != nil {
		return r.size
	}
	return 0
}

// downloadsVariant names the state of snap's downloads that the
// collection documents show: how many lengths they carry, for their ETag.
// It starts the writing as downloadsFor does.
func (s *Server) downloadsVariant(snap *geo.Snapshot) string {
	fs := s.downloadsFor(snap)
	if fs == nil {
		return "-"
	}
	fs.mu.RLock()
	defer fs.mu.RUnlock()
	return strconv.Itoa(len(fs.ready))
}

// add records the written file of key and reports whether fs still wants
// it; a retired fs closes it instead.
func (fs *downloadFiles) add(key downloadKey, f *os.File, size int64) bool {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if fs.retired {
		f.Close()
		return false
	}
	fs.ready[key] = &readyFile{f: f, size: size}
	return true
}

// retire stops the writing and closes every file once unread.
func (fs *downloadFiles) retire() {
	fs.cancel()
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.retired = true
	for _, r := range fs.ready {
		r.retire()
	}
}
