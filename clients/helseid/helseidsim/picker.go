package helseidsim

import (
	"bytes"
	"html/template"
	"net/http"
	"net/url"
	"time"
)

// pageStyle is the pages' only CSS; it is allowed by a per-response nonce,
// never by 'unsafe-inline'.
const pageStyle = `body{font-family:system-ui,sans-serif;margin:0;background:#f4f6f8;color:#1b1f23}
main{max-width:40rem;margin:2rem auto;padding:1.5rem;background:#fff;border-radius:.5rem}
ul{list-style:none;padding:0}li{margin:.5rem 0}
button{display:block;width:100%;text-align:left;padding:.75rem 1rem;font:inherit;border:1px solid #5b6b7a;border-radius:.375rem;background:#fff;cursor:pointer}
button:hover,button:focus-visible{background:#e8f0fe;outline:3px solid #1a56db;outline-offset:2px}
.name{display:block;font-weight:600}.desc{display:block;color:#4a5560}
.note{color:#4a5560;font-size:.9rem}`

var pickerTemplate = template.Must(template.New("picker").Parse(`<!doctype html>
<html lang="{{.Lang}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>{{index .T "picker.title"}}</title>
<style nonce="{{.Nonce}}">{{.Style}}</style>
</head>
<body>
<main>
<h1>{{index .T "picker.heading"}}</h1>
<p>{{index .T "picker.lead"}}</p>
<form method="post" action="{{.Action}}">
<input type="hidden" name="client_id" value="{{.ClientID}}">
<input type="hidden" name="request_uri" value="{{.RequestURI}}">
<input type="hidden" name="csrf" value="{{.CSRF}}">
<ul>
{{- range .Personas}}
<li><button type="submit" name="persona" value="{{.ID}}" data-testid="persona-{{.ID}}"><span class="name">{{.Name}}</span><span class="desc">{{.Description}}</span></button></li>
{{- end}}
</ul>
</form>
<p class="note">{{index .T "picker.note"}}</p>
</main>
</body>
</html>
`))

var signedOutTemplate = template.Must(template.New("signedout").Parse(`<!doctype html>
<html lang="{{.Lang}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>{{index .T "signedout.title"}}</title>
<style nonce="{{.Nonce}}">{{.Style}}</style>
</head>
<body>
<main>
<h1>{{index .T "signedout.head"}}</h1>
<p>{{index .T "signedout.text"}}</p>
</main>
</body>
</html>
`))

type pickerPersona struct{ ID, Name, Description string }

type pageData struct {
	Lang       lang
	T          map[string]string // the page's texts in Lang (messages)
	Nonce      string
	Style      template.CSS
	Action     string
	ClientID   string
	RequestURI string
	CSRF       string
	Personas   []pickerPersona
}

// showPicker renders the persona picker for a pushed request. The CSRF value
// lives with the pushed request, so only this page can post the choice; the
// user gets pickerLifetime to choose.
func (s *Server) showPicker(w http.ResponseWriter, r *http.Request, requestURI string, now time.Time) {
	s.mu.Lock()
	p, ok := s.pars[requestURI]
	if ok && p.csrf == "" {
		p.csrf = randomToken(32)
		p.pickDeadline = now.Add(pickerLifetime)
	}
	var data pageData
	var redirectURI string
	if ok {
		data = pageData{Action: s.endpoint(pathAuthorize), ClientID: p.clientID, RequestURI: requestURI, CSRF: p.csrf}
		redirectURI = p.redirectURI
	}
	s.mu.Unlock()
	if !ok {
		oauthError(w, http.StatusBadRequest, "invalid_request_uri", "request_uri unknown, used or expired")
		return
	}
	data.Lang = langOf(r)
	for _, pe := range s.personas {
		data.Personas = append(data.Personas, pickerPersona{ID: pe.ID, Name: pe.name(), Description: data.Lang.describe(pe)})
	}
	// Chrome applies form-action to the redirect that follows the POST, so
	// the client's origin must be allowed next to our own.
	formAction := "'self'"
	if u, err := url.Parse(redirectURI); err == nil && u.Scheme != "" && u.Host != "" {
		formAction += " " + u.Scheme + "://" + u.Host
	}
	s.renderPage(w, http.StatusOK, pickerTemplate, data, formAction)
}

// renderPage renders an HTML page with a strict CSP and a fresh style nonce.
func (s *Server) renderPage(w http.ResponseWriter, status int, t *template.Template, data pageData, formAction string) {
	if data.Lang == "" {
		data.Lang = langNB
	}
	data.T = messages[data.Lang]
	data.Nonce = randomToken(16)
	data.Style = template.CSS(pageStyle)
	var buf bytes.Buffer
	if err := t.Execute(&buf, data); err != nil {
		oauthError(w, http.StatusInternalServerError, "server_error", "page rendering failed")
		return
	}
	if formAction == "" {
		formAction = "'none'"
	}
	securityHeaders(w, "default-src 'none'; style-src 'nonce-"+data.Nonce+"'; form-action "+formAction+
		"; frame-ancestors 'none'; base-uri 'none'")
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}
