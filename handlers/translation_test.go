package handlers

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"
)

// TestHandlersDoNotTranslate holds the rule of where translation happens
// (package views/i18n): handlers choose which message applies and hand
// views.Text values and data to the views, which word them. A handler that
// calls the catalog or formats a date for the reader fails here.
func TestHandlersDoNotTranslate(t *testing.T) {
	wording := map[string]bool{"T": true, "TL": true, "Date": true, "DateTime": true, "Clock": true, "Decimal": true}
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		local := ""
		for _, imp := range f.Imports {
			if imp.Path.Value == `"github.com/oppslag/oppslag/views/i18n"` {
				local = "i18n"
				if imp.Name != nil {
					local = imp.Name.Name
				}
			}
		}
		if local == "" {
			continue
		}
		ast.Inspect(f, func(n ast.Node) bool {
			sel, ok := n.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			if id, ok := sel.X.(*ast.Ident); ok && id.Name == local && wording[sel.Sel.Name] {
				t.Errorf("%s: i18n.%s in a handler: hand the view a views.Text or the data, and let it word them", fset.Position(sel.Pos()), sel.Sel.Name)
			}
			return true
		})
	}
}
