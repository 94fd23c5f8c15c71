// Package testfix holds fixtures the tests of several packages share: files that pass the
// real checks (a PDF with a correct cross-reference table), so that no package keeps its copy.
package testfix
