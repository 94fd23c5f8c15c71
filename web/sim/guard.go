package sim

import (
	"crypto/sha256"
	"encoding/base64"
	"io/fs"
	"mime"
	"net"
	"net/http"
	"regexp"
	"strings"

	"github.com/ketanmu/ketanmu/web/httpx"
)

// The simulator has no login: on a shared machine any local user, and any web page a local user
// opens, can reach its port. These guards keep a page from driving it: the API takes only JSON
// (a cross-site form or text/plain post is refused, and a JSON post from another origin needs a
// CORS preflight that we never grant), the Host header must name the listener itself (a
// rebound DNS name is refused), and pages cannot be framed or sniffed.

// pageCSP allows the inline scripts and styles of our own pages (web/sim/static/*.html, by their
// hashes), requests and images from the same origin, and data: images for the attachment
// preview; nothing else. A new page's inline blocks are covered once it is under static/.
var pageCSP = buildCSP()

var inlineBlock = regexp.MustCompile(`(?s)<(script|style)>(.*?)</(?:script|style)>`)

func buildCSP() string {
	src := map[string][]string{"script": nil, "style": nil}
	pages, _ := fs.Glob(static, "static/*.html")
	for _, name := range pages {
		page, err := static.ReadFile(name)
		if err != nil {
			continue
		}
		for _, m := range inlineBlock.FindAllSubmatch(page, -1) {
			sum := sha256.Sum256(m[2])
			src[string(m[1])] = append(src[string(m[1])], "'sha256-"+base64.StdEncoding.EncodeToString(sum[:])+"'")
		}
	}
	return "default-src 'none'; script-src " + strings.Join(src["script"], " ") +
		"; style-src " + strings.Join(src["style"], " ") +
		"; img-src 'self' data: blob:; media-src 'self' data: blob:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
}

// simGuard refuses requests to the simulator whose Host is not the listener's own address
// (DNS rebinding) and writes to /api/sim/ that are not application/json, and gives every answer
// the page's Content-Security-Policy (the workspace's pages and files set their own).
func simGuard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", pageCSP)
		if !ownHost(r) {
			httpx.Error(w, http.StatusMisdirectedRequest, "host "+r.Host+" is not this simulator's address")
			return
		}
		if strings.HasPrefix(r.URL.Path, "/api/sim/") && r.Method != http.MethodGet && r.Method != http.MethodHead {
			mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
			if err != nil || mt != "application/json" {
				httpx.Error(w, http.StatusUnsupportedMediaType, "the simulator API takes Content-Type: application/json")
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// ownHost reports whether the request's Host names the address the connection came in on: the
// same port, and the same IP or, on a loopback listener, "localhost".
func ownHost(r *http.Request) bool {
	local, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr)
	if !ok {
		return true // not served from a listener (a handler called directly)
	}
	lhost, lport, err := net.SplitHostPort(local.String())
	if err != nil {
		return false
	}
	host, port, err := net.SplitHostPort(r.Host)
	if err != nil {
		host, port = strings.Trim(r.Host, "[]"), "80"
	}
	if port != lport {
		return false
	}
	lip := net.ParseIP(lhost)
	if ip := net.ParseIP(host); ip != nil {
		return ip.Equal(lip) || (ip.IsLoopback() && lip.IsLoopback())
	}
	return strings.EqualFold(strings.TrimSuffix(host, "."), "localhost") && lip.IsLoopback()
}

// largeBody is the size from which a request counts as carrying a file.
const largeBody = 64 << 10

// bounded lets at most n requests with a large (or unannounced) body be handled at once; the
// others wait, their bodies unread, until a slot frees or they give up. A simulator upload
// holds its file several times over while it is decoded, checked, encrypted and stored, so
// 64 at once would take gigabytes and keep the database's write lock queued past its timeout.
func bounded(n int, next http.Handler) http.Handler {
	slots := make(chan struct{}, n)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength >= 0 && r.ContentLength < largeBody {
			next.ServeHTTP(w, r)
			return
		}
		select {
		case slots <- struct{}{}:
			defer func() { <-slots }()
		case <-r.Context().Done():
			return
		}
		next.ServeHTTP(w, r)
	})
}
