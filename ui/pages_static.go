package ui

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"net/http"
	"path"
	"strings"
)

// static holds the stylesheet and the live-update script: hand-written,
// no build step, served from the binary. A read-only embedded table.
//
//go:embed static/mauve.css static/mauve.js static/favicon.svg
var static embed.FS

// staticAssets serves the embedded files with an ETag so browsers
// revalidate cheaply and never run a stale script after an upgrade.
type staticAssets struct {
	files map[string]asset
}

type asset struct {
	body        []byte
	etag        string
	contentType string
}

func newStaticAssets() *staticAssets {
	a := &staticAssets{files: map[string]asset{}}
	types := map[string]string{".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".svg": "image/svg+xml"}
	entries, _ := fs.ReadDir(static, "static")
	for _, e := range entries {
		b, err := static.ReadFile("static/" + e.Name())
		if err != nil {
			continue
		}
		sum := sha256.Sum256(b)
		a.files[e.Name()] = asset{
			body:        b,
			etag:        `"` + hex.EncodeToString(sum[:8]) + `"`,
			contentType: types[path.Ext(e.Name())],
		}
	}
	return a
}

func (a *staticAssets) serve(w http.ResponseWriter, r *http.Request) {
	f, ok := a.files[r.PathValue("file")]
	if !ok {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("ETag", f.etag)
	h.Set("Cache-Control", "no-cache")
	// A client revalidates the representation it holds; a gzipped one
	// carries the tag compress gave it, and keeps it on the 304.
	etag := f.etag
	if gzipping(w) && len(f.body) >= gzipMinSize {
		etag = strings.TrimSuffix(f.etag, `"`) + gzipETagSuffix + `"`
	}
	if r.Header.Get("If-None-Match") == etag {
		h.Set("ETag", etag)
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Type", f.contentType)
	_, _ = w.Write(f.body)
}
