package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/oppslag/oppslag/clients/helseid/helseidsim"
	"github.com/oppslag/oppslag/clients/labs/labsim"
	"github.com/oppslag/oppslag/clients/person/personsim"
	"github.com/oppslag/oppslag/clients/synthetic"
	"github.com/oppslag/oppslag/cmd/internal/app"
)

// The world's side of B12 and B13 (S38, S39): virtual clinicians who each
// sign in, look a person up and bind an access basis for their lab results,
// then browse that person's pages with think time in between; and the fault
// mix, which switches the Person API and prøvesvar simulators' fault knobs
// from one fault to the next while the users browse.
//
// What counts as a response with patient data: a 200 on a /person/{handle}
// route (the overview, a panel fragment, the timeline, the lab results),
// counted as soon as its status line and headers arrived, whether or not the
// body then arrived whole. Each such response's X-Correlation-Id is handed to
// the harness, which looks for an audit record carrying it (S20: the record
// is committed before any data is written).

// correlationHeader is the response header the portal's request-id
// middleware sets (web.CorrelationHeader); the audit records carry the same id.
const correlationHeader = "X-Correlation-Id"

// loadUser is one virtual clinician: a browser of its own (cookie jar,
// session), the person page it opened, and whether it bound a lab basis.
type loadUser struct {
	c      *http.Client
	person string // the person page's URL, base + /person/{handle}
	labs   bool
}

// maxLoadSubjects bounds the persons the virtual users look up.
const maxLoadSubjects = 24

// startLabsAPI serves the prøvesvar simulator over the demo's synthetic
// population, with tokens checked against the world's HelseID simulator, and
// picks the persons B12 and B13 look up: living persons with lab results,
// parents (so the family panel makes its bulk call) first.
func startLabsAPI(hsim *helseidsim.Server, stderr io.Writer) (*labsim.Server, string, []string, func(), error) {
	cfg, err := app.LoadConfig(func(string) string { return "" })
	if err != nil {
		return nil, "", nil, nil, err
	}
	pop, err := synthetic.Generate(synthetic.Options{Seed: cfg.DemoSeed, Persons: cfg.DemoPersons})
	if err != nil {
		return nil, "", nil, nil, fmt.Errorf("synthetic population: %w", err)
	}
	var subjects []string
	for _, p := range pop.Where("labs", 2000) {
		if p.Death == nil && len(p.FamilyRelation) > 0 && !slices.Contains(subjects, p.CurrentNIN()) {
			subjects = append(subjects, p.CurrentNIN())
		}
		if len(subjects) == maxLoadSubjects {
			break
		}
	}
	if len(subjects) == 0 {
		return nil, "", nil, nil, errors.New("no living person with lab results and relatives in the synthetic population")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, "", nil, nil, fmt.Errorf("prøvesvar simulator: listen: %w", err)
	}
	base := "http://" + ln.Addr().String()
	sim := labsim.New(base, pop, hsim)
	hs := &http.Server{Handler: sim, ReadHeaderTimeout: 10 * time.Second, ErrorLog: log.New(stderr, "bench world: prøvesvar: ", 0)}
	go func() { _ = hs.Serve(ln) }()
	return sim, base, subjects, func() { _ = hs.Close() }, nil
}

// signInUsers replaces the virtual users with n new ones, signed in through
// the real login by conc at a time; each opens a person page and binds the
// consent basis for that person's lab results.
func (ws *worldState) signInUsers(ctx context.Context, base string, n, conc int) (worldResponse, error) {
	if n <= 0 {
		return worldResponse{}, errors.New("users: n must be positive")
	}
	// One transport for all users, with an idle connection for each.
	tr := &http.Transport{
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        n + 16,
		MaxIdleConnsPerHost: n + 16,
		IdleConnTimeout:     90 * time.Second,
	}
	users := make([]*loadUser, n)
	var (
		mu    sync.Mutex
		r     worldResponse
		wg    sync.WaitGroup
		next  = make(chan int, n)
		start = time.Now()
	)
	for i := range n {
		next <- i
	}
	close(next)
	for range conc {
		wg.Go(func() {
			for i := range next {
				u, err := newLoadUser(ctx, tr, base, ws.subjects[i%len(ws.subjects)])
				mu.Lock()
				if err != nil {
					r.fail(err)
				} else {
					users[i] = u
					r.N++
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	r.Elapsed = time.Since(start)
	ws.users = slices.DeleteFunc(users, func(u *loadUser) bool { return u == nil })
	if r.Errors > 0 {
		return r, fmt.Errorf("users: %d of %d sign-ins failed, first: %s", r.Errors, n, r.FirstError)
	}
	return r, nil
}

var roleFieldRE = regexp.MustCompile(`name="role"[^>]*\svalue="([^"]+)"|<option value="([^"]+)" selected`)

func newLoadUser(ctx context.Context, tr http.RoundTripper, base, subject string) (*loadUser, error) {
	c := newWorldClient(tr)
	if err := worldLogin(ctx, c, base); err != nil {
		return nil, err
	}
	path, err := openPersonAs(ctx, c, base, subject)
	if err != nil {
		return nil, err
	}
	u := &loadUser{c: c, person: base + path}
	chooser, err := getPage(ctx, c, base+path+"/labs/basis")
	if err != nil {
		return nil, fmt.Errorf("labs chooser: %w", err)
	}
	csrf, role := csrfFieldRE.FindStringSubmatch(chooser), roleFieldRE.FindStringSubmatch(chooser)
	if csrf == nil || role == nil {
		return nil, errors.New("labs chooser: no CSRF token or role in the form")
	}
	form := url.Values{"basis": {"SAMTYKKE"}, "role": {role[1] + role[2]}, "csrf_token": {csrf[1]}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+path+"/labs/basis", strings.NewReader(form.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := c.Do(req)
	if err != nil {
		return nil, fmt.Errorf("labs basis: %w", err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.HasSuffix(resp.Request.URL.Path, "/labs") {
		return nil, fmt.Errorf("labs basis: ended at %s with %d", resp.Request.URL.Path, resp.StatusCode)
	}
	u.labs = true
	return u, nil
}

// loadResult is what the virtual users received during one mix.
type loadResult struct {
	Requests    int            `json:"requests"`
	ByStatus    map[string]int `json:"by_status"`    // "route status" → count; "route error" for no response
	PatientCIDs []string       `json:"patient_cids"` // correlation ids of every patient-data response received
	PatientCut  int            `json:"patient_cut"`  // of those, bodies that did not arrive whole
	ErrorCIDs   []string       `json:"error_cids"`   // correlation ids of error answers on patient routes
	Explained   int            `json:"explained"`    // 5xx answers explained by an injected fault
	Unexplained int            `json:"unexplained"`  // 5xx answers no injected fault explains
	Transport   int            `json:"transport"`    // requests that got no response (refused, reset, timeout)
	Examples    []string       `json:"examples"`     // the first unexplained answers and transport errors
	Phases      map[string]int `json:"phases"`       // "upstream fault" → fault phases injected
	Elapsed     time.Duration  `json:"elapsed"`
}

// A fault of the mix: what the simulators' knobs are set to for one phase,
// and whether it can make a portal answer 502/504 (breaks). Latency short of
// the upstream deadline, unknown enum values and unknown FHIR resources must
// cost nothing (S44), so they explain no error.
type mixFault struct {
	name   string
	weight int
	breaks bool
	person personsim.Fault
	labs   labsim.Fault
}

// Fault latencies: a slow upstream the portal waits for, and a hang beyond
// the B12 portal's upstream deadline (b12UpstreamTimeout).
const (
	slowLatency = 150 * time.Millisecond
	hangLatency = 3500 * time.Millisecond
)

var faultMix = []mixFault{
	{name: "none", weight: 40},
	{name: "slow", weight: 8, person: personsim.Fault{Latency: slowLatency}, labs: labsim.Fault{Latency: slowLatency}},
	{name: "hang", weight: 6, breaks: true, person: personsim.Fault{Latency: hangLatency}, labs: labsim.Fault{Latency: hangLatency}},
	{name: "500", weight: 8, breaks: true, person: personsim.Fault{Status: 500}, labs: labsim.Fault{Status: 500}},
	{name: "502", weight: 6, breaks: true, person: personsim.Fault{Status: 502}, labs: labsim.Fault{Status: 502}},
	{name: "503", weight: 6, breaks: true, person: personsim.Fault{Status: 503}, labs: labsim.Fault{Status: 503}},
	{name: "truncated", weight: 5, breaks: true,
		person: personsim.Fault{Malformed: personsim.MalformedTruncated}, labs: labsim.Fault{Malformed: labsim.MalformedTruncated}},
	{name: "wrong-content-type", weight: 4, breaks: true,
		person: personsim.Fault{Malformed: personsim.MalformedWrongContentType}, labs: labsim.Fault{Malformed: labsim.MalformedWrongContentType}},
	{name: "empty", weight: 4, breaks: true,
		person: personsim.Fault{Malformed: personsim.MalformedEmpty}, labs: labsim.Fault{Malformed: labsim.MalformedEmpty}},
	{name: "oversized", weight: 3, breaks: true,
		person: personsim.Fault{Malformed: personsim.MalformedOversized}, labs: labsim.Fault{Malformed: labsim.MalformedOversized}},
	{name: "unknown-values", weight: 6,
		person: personsim.Fault{Malformed: personsim.MalformedUnknownEnum}, labs: labsim.Fault{Malformed: labsim.MalformedUnknownResource}},
	// Prøvesvar's own odd answers; the Person API has no counterpart, so
	// the Person API answers normally in these phases.
	{name: "not-bundle", weight: 2, breaks: true, labs: labsim.Fault{Malformed: labsim.MalformedNotBundle}},
	{name: "plaintext-400", weight: 2, breaks: true, labs: labsim.Fault{Malformed: labsim.MalformedPlainText400}},
}

// faultMixText describes the mix for the figure's note.
func faultMixText() string {
	var parts []string
	total := 0
	for _, f := range faultMix {
		total += f.weight
	}
	for _, f := range faultMix {
		parts = append(parts, fmt.Sprintf("%s %d%%", f.name, f.weight*100/total))
	}
	return strings.Join(parts, ", ")
}

// faultPhase is one stretch of time during which one upstream had one fault.
type faultPhase struct {
	upstream string
	fault    mixFault
	from, to time.Time
}

// Upstream names of the mix.
const (
	upPerson = "person"
	upLabs   = "labs"
)

// injectFaults switches each simulator's fault every 200–600 ms until ctx
// ends, then clears them, and answers the phases it went through.
func (ws *worldState) injectFaults(ctx context.Context, seed uint64) []faultPhase {
	total := 0
	for _, f := range faultMix {
		total += f.weight
	}
	var (
		mu     sync.Mutex
		phases []faultPhase
		wg     sync.WaitGroup
	)
	for i, up := range []string{upPerson, upLabs} {
		rng := rand.New(rand.NewPCG(seed, uint64(i)+1))
		set := func(f mixFault) {
			if up == upPerson {
				ws.persons.SetFault(f.person)
			} else {
				ws.labs.SetFault(f.labs)
			}
		}
		wg.Go(func() {
			defer set(mixFault{})
			for {
				pick := rng.IntN(total)
				f := faultMix[0]
				for _, c := range faultMix {
					if pick < c.weight {
						f = c
						break
					}
					pick -= c.weight
				}
				set(f)
				p := faultPhase{upstream: up, fault: f, from: time.Now()}
				t := time.NewTimer(200*time.Millisecond + time.Duration(rng.IntN(400))*time.Millisecond)
				select {
				case <-ctx.Done():
					t.Stop()
				case <-t.C:
				}
				set(mixFault{})
				p.to = time.Now()
				mu.Lock()
				phases = append(phases, p)
				mu.Unlock()
				if ctx.Err() != nil {
					return
				}
			}
		})
	}
	wg.Wait()
	return phases
}

// loadAnswer is one request's outcome in a mix.
type loadAnswer struct {
	route, upstream string
	from, to        time.Time
	status          int
	cid             string
	cut             bool // the body did not arrive whole
	redirected      bool // the answer came from another URL
	err             error
}

// mix runs every virtual user for d, each picking its next page at random
// and pausing between 0 and 2×think (think 0: a closed loop); with faults
// the fault mix runs alongside. After a request that got no response the
// user tries again 20 ms later. In-flight requests finish (bounded by the
// client's timeout) after d.
func (ws *worldState) mix(ctx context.Context, d, think time.Duration, faults bool, seed uint64) *loadResult {
	start := time.Now()
	end := start.Add(d)
	var phases []faultPhase
	var faultsDone chan struct{}
	fctx, stopFaults := context.WithCancel(ctx)
	defer stopFaults()
	if faults {
		faultsDone = make(chan struct{})
		go func() { phases = ws.injectFaults(fctx, seed); close(faultsDone) }()
	}
	var (
		mu      sync.Mutex
		answers []loadAnswer
		wg      sync.WaitGroup
	)
	for i, u := range ws.users {
		rng := rand.New(rand.NewPCG(seed, uint64(1000+i)))
		wg.Go(func() {
			var mine []loadAnswer
			for time.Now().Before(end) && ctx.Err() == nil {
				a := u.next(ctx, rng)
				mine = append(mine, a)
				var pause time.Duration
				if think > 0 {
					pause = time.Duration(rng.Int64N(int64(2 * think)))
				}
				if a.err != nil {
					pause = 20 * time.Millisecond // refused while the portal is down: try again soon
				}
				if pause > 0 {
					select {
					case <-ctx.Done():
					case <-time.After(pause):
					}
				}
			}
			mu.Lock()
			answers = append(answers, mine...)
			mu.Unlock()
		})
	}
	wg.Wait()
	stopFaults()
	if faultsDone != nil {
		<-faultsDone
	}
	r := &loadResult{ByStatus: map[string]int{}, Phases: map[string]int{}, Elapsed: time.Since(start)}
	for _, p := range phases {
		if p.fault.name != "none" {
			r.Phases[p.upstream+" "+p.fault.name]++
		}
	}
	example := func(s string) {
		if len(r.Examples) < 5 {
			r.Examples = append(r.Examples, s)
		}
	}
	for _, a := range answers {
		r.Requests++
		if a.err != nil {
			r.ByStatus[a.route+" error"]++
			r.Transport++
			example(fmt.Sprintf("%s: %s", a.route, oneLine(a.err.Error())))
			continue
		}
		r.ByStatus[fmt.Sprintf("%s %d", a.route, a.status)]++
		if a.redirected {
			continue
		}
		if a.status == http.StatusOK {
			r.PatientCIDs = append(r.PatientCIDs, a.cid)
			if a.cut {
				r.PatientCut++
			}
			continue
		}
		if a.cid != "" {
			r.ErrorCIDs = append(r.ErrorCIDs, a.cid)
		}
		if a.status < 500 {
			continue
		}
		if explained(a, phases) {
			r.Explained++
		} else {
			r.Unexplained++
			example(fmt.Sprintf("%s: %d (correlation id %s)", a.route, a.status, a.cid))
		}
	}
	return r
}

// explained reports whether an injected fault accounts for a portal's 5xx:
// a 502 or 504 on a route whose upstream had a breaking fault at some
// moment while the request was open. A 500 (a bug) or a 503 (the audit
// store, S20) is never explained: the mix injects no such fault.
func explained(a loadAnswer, phases []faultPhase) bool {
	if a.status != http.StatusBadGateway && a.status != http.StatusGatewayTimeout {
		return false
	}
	for _, p := range phases {
		if p.upstream == a.upstream && p.fault.breaks && p.from.Before(a.to) && p.to.After(a.from) {
			return true
		}
	}
	return false
}

// next sends the user's next request: the overview (2 in 10), a panel as
// htmx fetches it (4 in 10), the timeline (1 in 10) or the lab results
// (3 in 10).
func (u *loadUser) next(ctx context.Context, rng *rand.Rand) loadAnswer {
	base := u.person
	route, path, hx, upstream := "overview", base, false, upPerson
	switch n := rng.IntN(10); {
	case n < 2:
	case n < 6:
		panels := []string{"identity", "names", "addresses", "status", "birth", "citizenship", "marital", "krr", "family"}
		route, path, hx = "panel", base+"/panel/"+panels[rng.IntN(len(panels))], true
	case n < 7:
		route, path = "timeline", base+"/timeline"
	case u.labs:
		route, path, upstream = "labs", base+"/labs", upLabs
	}
	a := loadAnswer{route: route, upstream: upstream, from: time.Now()}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, path, nil)
	if err != nil {
		a.err, a.to = err, time.Now()
		return a
	}
	if hx {
		req.Header.Set("HX-Request", "true")
	}
	resp, err := u.c.Do(req)
	if err != nil {
		a.err, a.to = err, time.Now()
		return a
	}
	a.status, a.cid = resp.StatusCode, resp.Header.Get(correlationHeader)
	if resp.Request.URL.Path != req.URL.Path {
		// Sent elsewhere (a login page, the basis chooser): whatever came
		// back is not this route's answer.
		a.route, a.redirected = route+"-redirected", true
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	a.cut, a.to = err != nil, time.Now()
	return a
}
