package handlers

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/oppslag/oppslag/clients/person"
	"github.com/oppslag/oppslag/clients/person/phone"
	"github.com/oppslag/oppslag/clients/person/protection"
	"github.com/oppslag/oppslag/handlers/request"
	"github.com/oppslag/oppslag/views"
)

// panelSpec describes one panel of the overview: what it asks the Person API
// for when refreshed alone, under which audit resource, and how it is built.
type panelSpec struct {
	id       string
	resource string // audit resource of the panel's own lookup
	parts    []person.InformationPart
	build    func(*person.Person) views.PersonPanel
}

// The FREG panels, in page order; KRR and family follow them.
var fregPanels = []panelSpec{
	{"identity", "person", []person.InformationPart{person.PartNorwegianIdentificationNumber, person.PartFalseIdentity,
		person.PartImmigrationAuthoritiesIdentification, person.PartForeignPersonIdentificationNumber}, identityPanel},
	{"names", "person", []person.InformationPart{person.PartName}, namesPanel},
	// The address panel always asks for AddressProtection with the addresses:
	// without it a protected person's address could not be recognised (S19).
	{"addresses", "address", []person.InformationPart{person.PartAddressProtection, person.PartResidentialAddress,
		person.PartPresentAddress, person.PartSharedResidence, person.PartPostalAddress, person.PartForeignPostalAddress},
		addressesPanel},
	{"status", "person", []person.InformationPart{person.PartStatus, person.PartEmigrationFromNorway,
		person.PartImmigrationToNorway, person.PartResidencePermit}, statusPanel},
	{"birth", "person", []person.InformationPart{person.PartBirth, person.PartBirthInNorway, person.PartDeath}, birthPanel},
	{"citizenship", "person", []person.InformationPart{person.PartCitizenship, person.PartCitizenshipRetention}, citizenshipPanel},
	// The marital panel names the spouse from the relatives (buildPanel).
	{"marital", "person", []person.InformationPart{person.PartMaritalStatus},
		func(p *person.Person) views.PersonPanel { return maritalPanel(p, kin{}) }},
}

// fregPanel is the FREG panel id, which must be one.
func fregPanel(id string) panelSpec {
	return fregPanels[slices.IndexFunc(fregPanels, func(s panelSpec) bool { return s.id == id })]
}

// krrParts is KRR alone: a separate call, so its failure costs only its
// panel (S35).
var krrParts = []person.InformationPart{person.PartCommonContactRegisterInformation}

// familyParts is what the family panel needs of the person itself.
var familyParts = []person.InformationPart{person.PartFamilyRelation, person.PartParentalResponsibility,
	person.PartMaritalStatus, person.PartSharedResidence, person.PartNorwegianIdentificationNumber}

// coreParts is every FREG part the overview shows, fetched in one call.
var coreParts = func() []person.InformationPart {
	var out []person.InformationPart
	add := func(ps []person.InformationPart) {
		for _, p := range ps {
			if !slices.Contains(out, p) {
				out = append(out, p)
			}
		}
	}
	for _, s := range fregPanels {
		add(s.parts)
	}
	add(familyParts)
	add([]person.InformationPart{person.PartGender})
	return out
}()

// panelIDs is the page order of every panel. The marital panel comes after
// KRR, beside the family: it names the spouse from the relatives' bulk
// call, so on the streamed overview it arrives with the family, and
// everything before it arrives with the core lookup.
var panelIDs = []string{"identity", "names", "addresses", "status", "birth", "citizenship", "krr", "marital", "family"}

// frame fills a panel's title, shortcut, URLs and freshness.
func frame(p views.PersonPanel, id, handle string, fetched time.Time) views.PersonPanel {
	p.ID = id
	p.Title = views.Msg("person.panel." + id)
	p.Key = strconv.Itoa(slices.Index(panelIDs, id) + 1)
	p.Refresh = "/person/" + handle + "/panel/" + id
	p.Reload = "/person/" + handle + "#panel-" + id
	if p.Error == nil && !fetched.IsZero() {
		p.Fetched = fetched
	}
	return p
}

// withUnread lists on the panel the values of its parts that the client
// could not read, as path and value received; the panel's other values are
// complete (S44).
func withUnread(pn views.PersonPanel, p *person.Person, parts []person.InformationPart) views.PersonPanel {
	members := make([]string, len(parts))
	for i, part := range parts {
		members[i] = part.Member()
	}
	for _, f := range p.UnreadIn(members...) {
		pn.Unread = append(pn.Unread, views.Fact{Label: views.Plain(f.Path), Value: views.Plain(f.Raw)})
	}
	return pn
}

// errorData turns an *Error into the panel's plain message with the
// correlation id (S26, S31).
func (h Person) errorData(ctx context.Context, err error) *views.ErrorData {
	if e := AsError(err); e.Status >= 500 && h.Log != nil {
		h.Log.ErrorContext(ctx, "panel failed", "status", e.Status, "err", e.Err,
			"correlation_id", request.CorrelationID(ctx))
	}
	d := ErrorView(ctx, err)
	return &d
}

// isAuditError reports an audit failure: the request must fail closed (S20).
func isAuditError(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.MessageKey == "error.audit"
}

// linker returns a function that makes a link to a relative's page through
// a session handle; "" when no handle can be made (the relative is then
// listed without a link).
func linker(ctx context.Context) func(string) string {
	handles := request.HandlesFrom(ctx)
	return func(nin string) string {
		if handles == nil || nin == "" {
			return ""
		}
		h, err := handles.Handle(ctx, nin)
		if err != nil {
			return ""
		}
		return "/person/" + h
	}
}

// Overview answers GET /person/{handle}: the header card and every panel,
// rendered on the server and streamed (see overview). Each part is audited
// before its bytes are written (S20, S27), and each failure stays in its
// own panels (S31, S35).
func (h Person) Overview(w http.ResponseWriter, r *http.Request) error {
	page, wait, err := h.overview(r, "view")
	if err != nil {
		return err
	}
	defer wait()
	h.withRawDrawers(page.Panels, r.PathValue("handle"))
	// A generic title: the browser keeps titles in its history, and a
	// patient's name does not belong there.
	return Stream(w, r, http.StatusOK, views.PersonOverviewPage(h.Site.Base(r, "person.title"), page))
}

// krrGrace is how long the overview waits for KRR after the core lookup
// has answered. Both calls start together and usually answer together, so
// the header can carry the reservation label; a KRR answer later than
// this is not waited for: the page is sent without the label, and the KRR
// panel, which shows the reservation, follows when the answer is in. A
// slow KRR thus costs its panel, not the page (S35).
const krrGrace = 100 * time.Millisecond

// famResult is the relatives' bulk call's answer.
type famResult struct {
	rels map[string]*person.Person
	err  error
	at   time.Time // when the answer came
}

// overview starts what the overview shows, each lookup audited as action
// ("view", or "print" for the print view), and builds the page as far as
// the first round trip allows: the header card and the FREG panels from
// the core lookup, the KRR panel when its answer came with the core's, and
// for the rest (the family and the marital panel, which name relatives
// from the bulk call made after the core answer, and a late KRR) panels
// still coming (views.PersonPanel.Later), which the view streams as they
// are built. It also makes the person what the patient banner shows.
//
// An error is one that costs the whole page (the audit store, the login,
// a person who does not exist), known before anything is written; a later
// failure, of an audit record too, stays in its panel, which then shows
// nothing of its data. wait returns once every lookup has ended; the
// caller defers it, so no lookup outlives the request.
func (h Person) overview(r *http.Request, action string) (page views.PersonPage, wait func(), err error) {
	ctx := h.withPageBudget(r.Context())
	number, err := resolve(r)
	if err != nil {
		return views.PersonPage{}, nil, err
	}
	var wg sync.WaitGroup
	var krr *person.Person
	var krrErr error
	var krrAt time.Time
	krrDone := make(chan struct{})
	wg.Go(func() {
		defer close(krrDone)
		krr, krrErr = h.fetch(ctx, number, "krr", action, krrParts, false)
		krrAt = h.now()
	})
	core, coreErr := h.fetch(ctx, number, "person", action, coreParts, true)
	fetched := h.now()
	krrIn := false
	if action == "print" {
		// Paper is printed whole: its header waits for KRR's label.
		<-krrDone
		krrIn = true
	} else {
		grace := time.NewTimer(krrGrace)
		select {
		case <-krrDone:
			krrIn = true
		case <-grace.C:
		}
		grace.Stop()
	}
	fail := func(err error) (views.PersonPage, func(), error) {
		wg.Wait()
		return views.PersonPage{}, nil, err
	}
	if isAuditError(coreErr) || errors.Is(coreErr, request.ErrLoginRequired) {
		return fail(coreErr)
	}
	if krrIn && (isAuditError(krrErr) || errors.Is(krrErr, request.ErrLoginRequired)) {
		return fail(krrErr)
	}
	if coreErr != nil {
		showPatient(r, nil)
	} else {
		showPatient(r, core)
	}
	if e := AsError(coreErr); coreErr != nil && e.Status == http.StatusNotFound {
		return fail(coreErr)
	}

	handle := r.PathValue("handle")
	link := linker(ctx)
	var krrNow *person.Person
	if krrIn {
		krrNow = krr
	}
	page = views.PersonPage{Header: h.header(ctx, number, core, coreErr, krrNow, link)}
	if coreErr == nil {
		page.Header.Timeline = "/person/" + handle + "/timeline"
		page.Header.Labs = LabsURL(ctx, "/person/"+handle, number, h.now())
		page.Header.Print = "/person/" + handle + "/print"
	}
	// The relatives' call starts only now, after every use of the session
	// above: the session's handles are not shared with a running lookup.
	var fam famResult
	famDone := make(chan struct{})
	if coreErr == nil {
		wg.Go(func() {
			defer close(famDone)
			rels, err := h.relatives(ctx, number, core, action)
			fam = famResult{rels, err, h.now()}
		})
	} else {
		fam = famResult{err: coreErr, at: fetched}
		close(famDone)
	}

	krrPanelNow := func() views.PersonPanel {
		<-krrDone
		var kp views.PersonPanel
		if krrErr != nil {
			kp.Error = h.errorData(ctx, krrErr)
		} else {
			kp = withUnread(krrPanel(krr, krrAt), krr, krrParts)
		}
		return frame(kp, "krr", handle, krrAt)
	}
	for _, id := range panelIDs {
		var pn views.PersonPanel
		switch id {
		case "krr":
			if krrIn {
				pn = krrPanelNow()
			} else {
				pn = pending(id, handle, krrDone, krrPanelNow)
			}
		case "marital", "family":
			if coreErr != nil {
				pn.Error = h.errorData(ctx, coreErr)
				pn = frame(pn, id, handle, fetched)
				break
			}
			pn = pending(id, handle, famDone, func() views.PersonPanel {
				<-famDone
				f := fam
				var out views.PersonPanel
				switch {
				case id == "family" && f.err != nil:
					out.Error = h.errorData(ctx, f.err)
				case id == "family":
					out = withUnread(familyPanel(core, f.rels, linker(ctx), f.at), core, familyParts)
				default:
					// The marital status was recorded with the core lookup;
					// the spouse is named only when the relatives' call and
					// its record succeeded.
					s := fregPanel(id)
					k := kin{link: linker(ctx)}
					if f.err == nil {
						k.byNIN = f.rels
					}
					out = withUnread(buildPanel(s, core, k), core, s.parts)
				}
				return frame(out, id, handle, f.at)
			})
		default:
			s := fregPanel(id)
			if coreErr != nil {
				pn.Error = h.errorData(ctx, coreErr)
			} else {
				pn = withUnread(buildPanel(s, core, kin{link: link}), core, s.parts)
			}
			pn = frame(pn, id, handle, fetched)
		}
		page.Panels = append(page.Panels, pn)
	}
	return page, wg.Wait, nil
}

// pending is panel id whose data may still be coming: its frame now, and
// build, which blocks until ready is closed, for the rest.
func pending(id, handle string, ready <-chan struct{}, build func() views.PersonPanel) views.PersonPanel {
	pn := frame(views.PersonPanel{}, id, handle, time.Time{})
	pn.Later, pn.LaterReady = build, ready
	return pn
}

// Panel answers GET /person/{handle}/panel/{panel}: one panel as an htmx
// fragment, with its own audited lookup, never from the person cache (the
// user pressed Refresh). A failure is shown inside the panel
// with the failure's status, so htmx swaps it where the user looked. Without
// htmx the browser is sent to the panel on the whole page.
func (h Person) Panel(w http.ResponseWriter, r *http.Request) error {
	r = r.WithContext(askFresh(h.withPageBudget(r.Context())))
	ctx := r.Context()
	id := r.PathValue("panel")
	if !slices.Contains(panelIDs, id) {
		return Errorf(http.StatusNotFound, "", nil)
	}
	handle := r.PathValue("handle")
	if !IsFragment(r) {
		if _, err := resolve(r); err != nil {
			return err
		}
		http.Redirect(w, r, "/person/"+handle+"#panel-"+id, http.StatusSeeOther)
		return nil
	}
	var pn views.PersonPanel
	var err error
	switch id {
	case "krr":
		var p *person.Person
		p, _, err = h.lookup(r, "krr", krrParts, false)
		if err == nil {
			pn = withUnread(krrPanel(p, h.now()), p, krrParts)
		}
	case "family":
		var p *person.Person
		var number string
		p, number, err = h.lookup(r, "family", familyParts, true)
		if err == nil {
			var rels map[string]*person.Person
			if rels, err = h.relatives(ctx, number, p, "view"); err == nil {
				pn = withUnread(familyPanel(p, rels, linker(ctx), h.now()), p, familyParts)
			}
		}
	default:
		s := fregPanel(id)
		var p *person.Person
		var number string
		p, number, err = h.lookup(r, s.resource, s.parts, true)
		var k kin
		if err == nil {
			k, err = h.panelKin(ctx, id, number, p)
		}
		if err == nil {
			pn = withUnread(buildPanel(s, p, k), p, s.parts)
		}
	}
	// Every failure (an audit failure too: no data is shown either way)
	// stays inside the panel, so the panel keeps its place and its refresh.
	if errors.Is(err, request.ErrLoginRequired) {
		return err // the login is gone: the renderer takes the page to login
	}
	status := http.StatusOK
	if err != nil {
		pn = views.PersonPanel{Error: h.errorData(ctx, err)}
		status = AsError(err).Status
	}
	pn = frame(pn, id, handle, h.now())
	pn.Raw = h.rawURL(handle, id)
	return Render(w, r, status, views.PersonPanelSection(pn))
}

// header builds the card at the top: name, number, age, gender, status and
// the labels a clinician must see first.
func (h Person) header(ctx context.Context, looked string, p *person.Person, perr error, krr *person.Person,
	link func(string) string) views.PersonHeader {
	if perr != nil {
		return views.PersonHeader{Name: views.Msg("person.header.unavailable"), Error: h.errorData(ctx, perr)}
	}
	hd := views.PersonHeader{Name: plain(nameOf(p))}
	if hd.Name.IsZero() {
		hd.Name = views.Msg("person.name.unknown")
	}
	current := p.CurrentNIN()
	var lookedType person.IdentificationNumberType
	for _, n := range p.NorwegianIdentificationNumber {
		if n.IdentificationNumber == looked {
			lookedType = n.IdentificationNumberType
		}
	}
	hd.Number = formatNIN(looked)
	hd.NumberLabel = ninKind(lookedType, looked)

	now := h.now()
	hd.Facts = append(hd.Facts, kv("person.age", ageOf(p, now)))
	if b := p.CurrentBirth(); b != nil {
		hd.Facts = append(hd.Facts, kv("person.birth.date", dateOf(b.BirthDate)))
	}
	hd.Facts = append(hd.Facts,
		kv("person.gender", enumName("person.enum.gender", string(p.CurrentGender()))),
		kv("person.status", enumName("person.enum.status", string(p.CurrentStatus()))))
	hd.Facts = slices.DeleteFunc(hd.Facts, func(f views.Fact) bool { return blank(f.Value) })

	if d := p.Death; d != nil && d.Current() {
		text := views.Msg("person.label.deceased")
		if date := dateOf(d.DeceasedDate); !date.IsZero() {
			text = views.Msg("person.label.deceased_on", date)
		}
		hd.Labels = append(hd.Labels, views.Tag{Text: text, Color: "neutral", TestID: "label-deceased"})
	}
	if fi := p.FalseIdentity; fi != nil && fi.Current() {
		hd.Labels = append(hd.Labels, views.Tag{Text: views.Msg("person.identity.false.title"), Color: "danger", TestID: "label-false-identity"})
	}
	// The S19 rule reads the level (the strictest current one), so the
	// label and the address panel can never disagree.
	switch rule := protection.Of(p); {
	case rule.Protected():
		hd.Labels = append(hd.Labels, protectionTag(rule.Level()))
	case rule.ClientAddress():
		hd.Labels = append(hd.Labels, views.Tag{Text: views.Msg("person.address.client"), Color: "info", TestID: "label-client-address"})
	}
	if krr != nil && krr.CommonContactRegisterInformation != nil &&
		krr.CommonContactRegisterInformation.Reservation == person.ReservationYes {
		hd.Labels = append(hd.Labels, views.Tag{Text: views.Msg("person.label.reserved"), Color: "warning", TestID: "label-reserved"})
	}
	switch p.CurrentStatus() {
	case person.StatusInactive:
		hd.Labels = append(hd.Labels, views.Tag{Text: views.Msg("person.label.inactive"), Color: "warning", TestID: "label-inactive"})
	case person.StatusDiscontinued:
		hd.Labels = append(hd.Labels, views.Tag{Text: views.Msg("person.label.discontinued"), Color: "warning", TestID: "label-discontinued"})
	}
	hd.Labels = append(hd.Labels, numberTags(looked, h.Site.Demo)...)

	if current != "" && current != looked {
		hd.Labels = append(hd.Labels, views.Tag{Text: views.Msg("person.label.replaced"), Color: "warning", TestID: "label-replaced"})
		hd.Notices = append(hd.Notices, views.Notice{Color: "warning", Title: views.Msg("person.replaced.title"),
			Text: views.Msg("person.replaced.text", formatNIN(current)), TestID: "replaced-number"})
		if href := link(current); href != "" {
			hd.Current = &views.Link{Text: views.Msg("person.replaced.link"), Href: href}
		}
	}
	return hd
}

// oldVerification is when a KRR contact verification counts as old: the
// person has not confirmed it for 18 months.
const oldVerification = 18

// krrPanel shows the person's entry in the Contact and Reservation Register.
func krrPanel(p *person.Person, now time.Time) views.PersonPanel {
	var out views.PersonPanel
	k := p.CommonContactRegisterInformation
	if k == nil {
		out.Empty = views.Msg("person.krr.none")
		return out
	}
	if k.Reservation == person.ReservationYes {
		out.Notices = append(out.Notices, views.Notice{Color: "warning", Title: views.Msg("person.label.reserved"),
			Text: views.Msg("person.krr.reserved.text"), TestID: "krr-reserved"})
	}
	main := views.PanelItem{Title: views.Msg("person.krr.entry"), TestID: "krr"}
	add := func(f views.Fact) {
		if !blank(f.Value) {
			main.Facts = append(main.Facts, f)
		}
	}
	add(kv("person.krr.status", enumName("person.enum.krrstatus", string(k.Status))))
	add(kv("person.krr.reservation", enumName("person.enum.reservation", string(k.Reservation))))
	add(kv("person.krr.notification", enumName("person.enum.notification", string(k.NotificationStatus))))
	add(kv("person.krr.language", languageName(k.Language)))
	out.Items = append(out.Items, main)

	old := today(now).AddDate(0, -oldVerification, 0)
	contact := func(title views.Text, value string, updated, verified person.DateTime, testID string) {
		if value == "" {
			return
		}
		it := views.PanelItem{Title: title, TestID: testID}
		it.Facts = append(it.Facts, views.Fact{Label: title, Value: views.Plain(value)})
		if u := dateOf(updated); !u.IsZero() {
			it.Facts = append(it.Facts, kv("person.krr.updated", u))
		}
		v := kv("person.krr.verified", dateOf(verified))
		if blank(v.Value) {
			v.Value = views.Msg("person.krr.never")
		}
		// An unreadable date says nothing about age: no warning on a guess.
		if _, odd := verified.UnreadValue(); !odd && (!verified.Known() || verified.Before(old)) {
			v.Warn = views.Msg("person.krr.old", oldVerification)
		}
		it.Facts = append(it.Facts, v)
		out.Items = append(out.Items, it)
	}
	if ci := k.ContactInformation; ci != nil {
		contact(views.Msg("person.krr.phone"), phone.Format(ci.PhoneNumber), ci.PhoneNumberLastUpdated, ci.PhoneNumberLastVerified, "krr-phone")
		contact(views.Msg("person.krr.email"), ci.Email, ci.EmailLastUpdated, ci.EmailLastVerified, "krr-email")
	}
	if dp := k.DigitalPost; dp != nil && (dp.DigitalPostAddress != "" || dp.DigitalPostVendorAddress != "") {
		it := views.PanelItem{Title: views.Msg("person.krr.digital"), TestID: "krr-digital"}
		for _, f := range []views.Fact{
			kv("person.krr.digital.address", plain(dp.DigitalPostAddress)),
			kv("person.krr.digital.vendor", plain(vendorText(dp.DigitalPostVendorAddress))),
		} {
			if !blank(f.Value) {
				it.Facts = append(it.Facts, f)
			}
		}
		out.Items = append(out.Items, it)
	}
	return out
}

// vendorText names the digital postbox vendors KRR knows by their address.
func vendorText(v string) string {
	switch v {
	case "digipost":
		return "Digipost"
	case "eboks":
		return "e-Boks"
	}
	return v
}
