package views

// RawPage is the raw-response drawer of one overview panel (F19, demo
// only): what the Person API sent for the panel's calls, masked as the
// page masks (S19).
type RawPage struct {
	Panel     Text   // the panel's title
	Back      string // the panel on the overview
	Exchanges []RawExchange
	Error     *ErrorData // the calls' failure, shown above what was received
}

// RawExchange is one upstream request and its response.
type RawExchange struct {
	Method, Path string
	Status       int
	Proto        string
	Header       []RawHeader
	Removed      []string // header names left out: they may bear a token
	Body         string   // the JSON pretty-printed and masked; "" when Note says why not
	Note         Text     // why the body is not shown (empty, not JSON, cut)
	Masked       int      // address items replaced by the marker
}

// RawHeader is one response header line.
type RawHeader struct {
	Name, Value string
}
