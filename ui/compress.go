package ui

import (
	"compress/gzip"
	"net/http"

	"github.com/klauspost/compress/gzhttp"
)

// gzipMinSize is the smallest body worth compressing.
const gzipMinSize = 1024

// gzipETagSuffix marks the entity tag of a gzipped representation, which
// must differ from the plain one's (RFC 9110, 8.8.3).
const gzipETagSuffix = "-gzip"

// compress wraps h so HTML, JSON, CSS, script and SVG responses are gzipped
// for clients that accept it. The event stream is never compressed (each
// event must reach the client when it is flushed, not when a deflate block
// fills), nor are bodies under 1 KiB, where the gzip header costs more than
// it saves.
func compress(h http.Handler) http.Handler {
	wrap, err := gzhttp.NewWrapper(
		gzhttp.MinSize(gzipMinSize),
		gzhttp.CompressionLevel(gzip.BestSpeed),
		gzhttp.ContentTypes([]string{"text/html", "application/json", "text/css", "text/javascript", "image/svg+xml"}),
		gzhttp.SuffixETag(gzipETagSuffix),
		gzhttp.EnableZstd(false),
	)
	if err != nil {
		// The options are constants: an error here is a bug, found by
		// every test that starts a server.
		panic(err)
	}
	return wrap(h)
}

// gzipping reports whether w gzips what is written to it: the client
// accepts gzip, so a compressible body of gzipMinSize or more is sent
// gzipped, with its ETag marked by gzipETagSuffix.
func gzipping(w http.ResponseWriter) bool {
	switch w.(type) {
	case *gzhttp.GzipResponseWriter, gzhttp.GzipResponseWriterWithCloseNotify:
		return true
	}
	return false
}
