package ui

import (
	"compress/gzip"
	"io"
	"net/http"
	"strings"
	"sync"
)

// Compression: HTML, JSON, CSS and script responses are gzipped for
// clients that accept it. The event stream is never compressed (each
// event must reach the client when it is flushed, not when a deflate
// block fills), nor are bodies under gzipMinSize, where the gzip header
// costs more than it saves.

// gzipMinSize is the smallest body worth compressing.
const gzipMinSize = 1024

// gzipTypes are the content types worth compressing (prefixes).
var gzipTypes = [...]string{"text/html", "application/json", "text/css", "text/javascript", "image/svg+xml"}

// compressor owns a pool of gzip writers shared by all requests.
type compressor struct {
	pool sync.Pool
}

func newCompressor() *compressor {
	c := &compressor{}
	c.pool.New = func() any {
		zw, _ := gzip.NewWriterLevel(io.Discard, gzip.BestSpeed)
		return zw
	}
	return c
}

// handler wraps h so its responses are gzipped when r accepts gzip.
func (c *compressor) handler(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Add("Vary", "Accept-Encoding")
		if r.Method == http.MethodHead || !acceptsGzip(r.Header.Get("Accept-Encoding")) {
			h.ServeHTTP(w, r)
			return
		}
		gw := &gzipWriter{ResponseWriter: w, c: c, status: http.StatusOK}
		if inm := r.Header.Get("If-None-Match"); strings.Contains(inm, gzipETag) {
			// Revalidating the gzipped form: the handler knows its own tag.
			r.Header.Set("If-None-Match", strings.ReplaceAll(inm, gzipETag, `"`))
			gw.revalidated = true
		}
		defer gw.finish()
		h.ServeHTTP(gw, r)
	})
}

// acceptsGzip reports whether an Accept-Encoding header allows gzip (and
// does not refuse it with q=0).
func acceptsGzip(header string) bool {
	for part := range strings.SplitSeq(header, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(name), "gzip") {
			continue
		}
		q := strings.ReplaceAll(strings.TrimSpace(params), " ", "")
		return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
	}
	return false
}

// gzipWriter holds the first gzipMinSize bytes of a body to decide: a
// compressible type of at least that size is gzipped, anything else is
// passed through untouched.
type gzipWriter struct {
	http.ResponseWriter
	c *compressor

	status      int
	wroteHeader bool // the handler called WriteHeader
	decided     bool
	zw          *gzip.Writer // nil when passing through
	buf         []byte
	revalidated bool // If-None-Match named a gzipped representation
}

// gzipETag marks the entity tag of a gzipped representation.
const gzipETag = `-gzip"`

func (g *gzipWriter) WriteHeader(code int) {
	if g.wroteHeader || g.decided {
		if g.decided && !g.wroteHeader && code >= 100 && code < 200 {
			g.ResponseWriter.WriteHeader(code)
		}
		return
	}
	if code >= 100 && code < 200 {
		g.ResponseWriter.WriteHeader(code) // informational: pass on, keep waiting
		return
	}
	g.status, g.wroteHeader = code, true
	if !g.compressible() {
		g.decide(false)
	}
}

func (g *gzipWriter) Write(b []byte) (int, error) {
	if !g.decided {
		if !g.compressible() {
			g.decide(false)
		} else if len(g.buf)+len(b) < gzipMinSize {
			g.buf = append(g.buf, b...)
			return len(b), nil
		} else {
			g.decide(true)
		}
	}
	if g.zw != nil {
		return g.zw.Write(b)
	}
	return g.ResponseWriter.Write(b)
}

// compressible reports whether the response, as far as its headers and
// status go, may be gzipped.
func (g *gzipWriter) compressible() bool {
	h := g.ResponseWriter.Header()
	if g.status == http.StatusNoContent || g.status == http.StatusNotModified || g.status < 200 {
		return false
	}
	if h.Get("Content-Encoding") != "" || h.Get("Content-Range") != "" {
		return false
	}
	ct := h.Get("Content-Type")
	if ct == "" {
		return true // decided by sniffing: text/html from templ
	}
	for _, t := range gzipTypes {
		if strings.HasPrefix(ct, t) {
			return true
		}
	}
	return false
}

// decide sends the header, gzipped or not, then whatever was held back.
func (g *gzipWriter) decide(compress bool) {
	g.decided = true
	h := g.ResponseWriter.Header()
	if compress {
		if h.Get("Content-Type") == "" {
			h.Set("Content-Type", http.DetectContentType(g.buf))
		}
		h.Set("Content-Encoding", "gzip")
		h.Del("Content-Length")
		if etag := h.Get("ETag"); strings.HasPrefix(etag, `"`) {
			h.Set("ETag", strings.TrimSuffix(etag, `"`)+gzipETag) // a different representation
		}
		g.zw = g.c.pool.Get().(*gzip.Writer)
		g.zw.Reset(g.ResponseWriter)
	} else if g.status == http.StatusNotModified && g.revalidated {
		if etag := h.Get("ETag"); strings.HasPrefix(etag, `"`) && !strings.HasSuffix(etag, gzipETag) {
			h.Set("ETag", strings.TrimSuffix(etag, `"`)+gzipETag)
		}
	}
	g.ResponseWriter.WriteHeader(g.status)
	if len(g.buf) > 0 {
		buf := g.buf
		g.buf = nil
		if g.zw != nil {
			_, _ = g.zw.Write(buf)
		} else {
			_, _ = g.ResponseWriter.Write(buf)
		}
	}
}

// finish ends the response: a small body is sent as it is, a gzip stream
// is closed and its writer returned to the pool.
func (g *gzipWriter) finish() {
	if !g.decided {
		if !g.wroteHeader && len(g.buf) == 0 {
			return // the handler wrote nothing: let net/http answer 200
		}
		g.decide(false)
	}
	if g.zw != nil {
		_ = g.zw.Close()
		g.zw.Reset(io.Discard)
		g.c.pool.Put(g.zw)
		g.zw = nil
	}
}

// Flush sends what is held: an undecided body goes out as it is, a gzip
// stream is flushed block by block (the event stream is never gzipped, so
// this is only for handlers that flush a long page early).
func (g *gzipWriter) Flush() {
	if !g.decided {
		g.decide(false)
	}
	if g.zw != nil {
		_ = g.zw.Flush()
	}
	if f, ok := g.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// FlushError is Flush for http.ResponseController.
func (g *gzipWriter) FlushError() error {
	if !g.decided {
		g.decide(false)
	}
	if g.zw != nil {
		if err := g.zw.Flush(); err != nil {
			return err
		}
	}
	return http.NewResponseController(g.ResponseWriter).Flush()
}

// Unwrap lets http.ResponseController reach deadlines on the real writer.
func (g *gzipWriter) Unwrap() http.ResponseWriter { return g.ResponseWriter }
