package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/ketanmu/ketanmu/flows"
	"github.com/ketanmu/ketanmu/nik"
)

// runRoute prints "<key>\t<line>" for each line on stdin, with the office's keywords.
func runRoute(_ context.Context, args []string, stdout, stderr io.Writer) error {
	return routeLines(args, os.Stdin, stdout, stderr)
}

func routeLines(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := newFlags("route", stderr)
	configPath := fs.String("config", "config.yaml", "config file whose keywords to use (built-in defaults when absent)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	explicit := false
	fs.Visit(func(f *flag.Flag) { explicit = explicit || f.Name == "config" })
	common := commonFlags{config: *configPath}
	cfg, err := common.loadConfig(explicit, io.Discard)
	if err != nil {
		return err
	}
	engine := flows.New(cfg.FlowOptions())
	sc := bufio.NewScanner(stdin)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	w := bufio.NewWriter(stdout)
	defer w.Flush()
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), "\r")
		fmt.Fprintf(w, "%s\t%s\n", engine.Classify(line), line)
	}
	return sc.Err()
}

// runNIK prints one JSON object per NIK argument; exit status 1 when any is invalid.
func runNIK(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("nik", stderr)
	kk := fs.Bool("kk", false, "check family-card (KK) numbers instead of NIKs")
	if err := fs.Parse(args); err != nil {
		return &exitError{code: 2}
	}
	if fs.NArg() == 0 {
		return &exitError{code: 2, msg: "usage: ketanmu nik [--kk] NUMBER..."}
	}
	enc := json.NewEncoder(stdout)
	enc.SetEscapeHTML(false)
	check := nik.CheckNIK
	if *kk {
		check = nik.CheckKK
	}
	invalid := 0
	for _, arg := range fs.Args() {
		r := check(arg, nik.DefaultRegions(), time.Now())
		if !r.Valid {
			invalid++
		}
		if err := enc.Encode(r); err != nil {
			return err
		}
	}
	if invalid > 0 {
		return &exitError{code: 1}
	}
	return nil
}
