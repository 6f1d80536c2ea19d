package sanitize

import "testing"

func TestText(t *testing.T) {
	cases := []struct {
		name, in string
		secrets  []string
		max      int
		want     string
	}{
		{"plain", "Not found", nil, 100, "Not found"},
		{"identity number", "person 12057900499 not found", nil, 100, "person *** not found"},
		{"longer digit run", "id 123456789012345", nil, 100, "id ***"},
		{"hpr number kept", "HPR 565501872", nil, 100, "HPR 565501872"},
		{"secret", "token abc.def rejected", []string{"abc.def"}, 100, "token *** rejected"},
		{"control characters", "line\nbreak\x1b[31m", nil, 100, "linebreak[31m"},
		{"capped", "abcdef", nil, 3, "abc…"},
		{"control character inside a number", "12345\x00678901", nil, 100, "***"},
		{"line break inside a number", "120579\n00499", nil, 100, "***"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := Text(c.in, c.secrets, c.max); got != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
}
