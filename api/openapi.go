package api

import (
	_ "embed"
	"encoding/json"
	"net/http"
	"net/url"

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
	w.Write(s.doc)
	return nil
}

// openapiFor is the document with base as its server. Without a base URL
// the embedded document's relative "/api/v1" stands: the API is never
// guessed to live at the Host a request named.
func openapiFor(base *url.URL) []byte {
	if base == nil {
		return openapiDoc
	}
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(openapiDoc, &doc); err != nil {
		panic("api: openapi.json: " + err.Error()) // embedded, and parsed by a test
	}
	doc["servers"], _ = json.Marshal([]map[string]string{{"url": base.JoinPath(Prefix).String()}})
	out, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		panic("api: openapi.json: " + err.Error())
	}
	return out
}
