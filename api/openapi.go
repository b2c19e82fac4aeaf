package api

import (
	_ "embed"
	"net/http"

	"zhuxiang"
)

// openapiDoc is the API's description, kept as a JSON file rather than Go
// data so that it can be read, diffed and linted as what clients download;
// a test checks it against the route table.
//
//go:embed openapi.json
var openapiDoc []byte

func (s *server) openapi(w http.ResponseWriter, r *http.Request, _ zhuxiang.Actor) error {
	// The description holds no data and changes only with a release, so
	// unlike the data endpoints it may be cached.
	w.Header().Set("Cache-Control", "public, max-age=3600")
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	w.Write(openapiDoc)
	return nil
}
