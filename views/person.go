package views

import (
	"context"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/a-h/templ"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"

	"github.com/oppslag/oppslag/views/i18n"
)

// Words is a value of the person pages that a view puts into words in the
// request's language: a Text, or a name x/text knows and the catalog does
// not (Country, LanguageName), or a Join of them. A nil Words shows nothing.
type Words interface {
	Lang(l i18n.Lang) string
}

// say is w in the language of ctx, "" for nil.
func say(ctx context.Context, w Words) string {
	if w == nil {
		return ""
	}
	return w.Lang(i18n.From(ctx))
}

// Join is Words one after another, all in the same language: a title and
// its period "Gift (fra 01.02.2003)", a unit and its type "H0101 (Bolig)".
// A nil part adds nothing.
type Join []Words

// Lang returns the parts in language l, joined.
func (j Join) Lang(l i18n.Lang) string {
	var b strings.Builder
	for _, w := range j {
		if w != nil {
			b.WriteString(w.Lang(l))
		}
	}
	return b.String()
}

// DateText is the Text of a calendar day alone, written as the language
// writes dates: a Plain whose value is formatted, not received.
func DateText(t time.Time) Text { return Text{Args: []any{Date(t)}} }

// DateTimeText is the Text of an instant alone, as the language writes a
// date and time in Norwegian time.
func DateTimeText(t time.Time) Text { return Text{Args: []any{DateTime(t)}} }

// Country is an ISO 3166-1 country code (alpha-2 or alpha-3) as the
// register sent it, named in the reader's language. FREG's own codes for
// stateless, unknown and Kosovo have catalog names; a code neither knows is
// shown as it came.
type Country string

// Lang returns the country's name in language l.
func (c Country) Lang(l i18n.Lang) string {
	code := strings.ToUpper(strings.TrimSpace(string(c)))
	switch code {
	case "":
		return ""
	case "XXX":
		return i18n.TL(l, "person.country.stateless")
	case "XUK", "YY":
		return i18n.TL(l, "person.country.unknown")
	case "XXK", "XK":
		return i18n.TL(l, "person.country.kosovo")
	}
	r, err := language.ParseRegion(code)
	if err != nil {
		return code
	}
	if name := display.Regions(displayTag(l)).Name(r); name != "" {
		return name
	}
	return code
}

// LanguageName is a KRR language code (ISO 639-1) named in the reader's
// language; a code x/text does not know is shown as it came.
type LanguageName string

// Lang returns the language's name in language l.
func (c LanguageName) Lang(l i18n.Lang) string {
	code := strings.ToLower(strings.TrimSpace(string(c)))
	if code == "" {
		return ""
	}
	t, err := language.Parse(code)
	if err != nil {
		return code
	}
	if name := display.Languages(displayTag(l)).Name(t); name != "" {
		return name
	}
	return code
}

// displayTag is the x/text language each portal language names places and
// languages in.
func displayTag(l i18n.Lang) language.Tag {
	switch l {
	case i18n.NN:
		return language.Make("nn")
	case i18n.EN:
		return language.English
	}
	return language.Make("nb")
}

// fetchedText is a panel's freshness, the time of day in Oslo without the
// "kl." of i18n.Clock: "Hentet 10.42 fra Persontjenesten", "Fetched 10:42 ...".
func fetchedText(ctx context.Context, t time.Time) string {
	l := i18n.From(ctx)
	t = t.In(i18n.Oslo())
	clock := t.Format("15.04")
	if l == i18n.EN {
		clock = t.Format("15:04")
	}
	return i18n.TL(l, "person.fetched", clock)
}

// Settled returns p with every panel built, waiting for those still coming;
// for the pages that are not streamed (the print view).
func (p PersonPage) Settled() PersonPage {
	panels := make([]PersonPanel, len(p.Panels))
	for i, pn := range p.Panels {
		panels[i] = pn.settled()
	}
	p.Panels = panels
	return p
}

// settled is pn built: Later's answer, or pn itself.
func (pn PersonPanel) settled() PersonPanel {
	if pn.Later == nil {
		return pn
	}
	out := pn.Later()
	out.Later, out.LaterReady = nil, nil
	return out
}

// Closed is a channel that is closed when something has happened (a
// panel's data is in).
type Closed = <-chan struct{}

// waiting reports whether pn's data is still coming: Later would block.
func (pn PersonPanel) waiting() bool {
	if pn.Later == nil {
		return false
	}
	if pn.LaterReady == nil {
		return true
	}
	select {
	case <-pn.LaterReady:
		return false
	default:
		return true
	}
}

// overviewPanels renders the overview's panels in page order. The panels
// before the first one still coming are written as they are; from that
// one on, each gets a loading placeholder, and then each is written when
// built. What is written is sent (flushed) only before a wait, so a page
// whose data is all in when it renders goes out in one piece, without
// placeholders, and one whose relatives are still coming goes out in two
// parts (three when KRR is late too).
func overviewPanels(panels []PersonPanel) templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		split := slices.IndexFunc(panels, PersonPanel.waiting)
		if split < 0 {
			split = len(panels)
		}
		for _, pn := range panels[:split] {
			if err := PersonPanelSection(pn.settled()).Render(ctx, w); err != nil {
				return err
			}
		}
		for _, pn := range panels[split:] {
			if err := pendingPanel(pn).Render(ctx, w); err != nil {
				return err
			}
		}
		for _, pn := range panels[split:] {
			if pn.waiting() {
				if err := templ.Flush().Render(ctx, w); err != nil {
					return err
				}
			}
			if err := PersonPanelSection(pn.settled()).Render(ctx, w); err != nil {
				return err
			}
		}
		return nil
	})
}
