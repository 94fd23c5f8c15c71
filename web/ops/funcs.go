package ops

import "html/template"

var opsFuncs = template.FuncMap{
	"add": func(a, b int) int { return a + b },
	"wa":  waFormat,
}
