// Command ketanmu runs the Disdukcapil WhatsApp service and its tools.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/config"
)

type command struct {
	name  string
	usage string
	run   func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

func commands() []command {
	return []command{
		{"serve", "run the service on WhatsApp: every paired account, the outbox and the HTTP server", runServe},
		{"pair", "link an account's WhatsApp number (QR code, or --phone for a pairing code)", runPair},
		{"sim", "run the whole service with the browser simulator instead of WhatsApp", runSim},
		{"route", "read messages on stdin, print the service each is routed to (tune keywords)", runRoute},
		{"nik", "check NIK numbers: one JSON object per argument", runNIK},
		{"memload", "memory scenario: hostile and 10 MB uploads to a child simulator; prints its peak RSS", runMemLoad},
		{"load", "load scenario: residents, operators and jobs on one number; prints the outbox waits per lane", runLoad},
		{"report", "print the SLA report of a range of days (--from, --to, --json)", runReport},
		{"operator", "set an operator's workspace password, manage their API tokens (passwd, token)", runOperator},
		{"backup", "write an encrypted backup of the data folder (--out FILE), safe while serve or sim runs", runBackup},
		{"restore", "restore a backup into a new, empty data folder (--from FILE --identity KEYFILE --data NEWDIR)", runRestore},
		{"version", "print the version", runVersion},
		{"help", "list the commands", nil},
	}
}

// exitError carries an exit status and a one-line message for the user.
type exitError struct {
	code int
	msg  string
}

func (e *exitError) Error() string { return e.msg }

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(stdout)
		return 0
	}
	for _, c := range commands() {
		if c.name != args[0] || c.run == nil {
			continue
		}
		err := c.run(ctx, args[1:], stdout, stderr)
		var ee *exitError
		var ce *config.Error
		switch {
		case err == nil:
			return 0
		case errors.Is(err, flag.ErrHelp):
			return 0
		case errors.As(err, &ee):
			if ee.msg != "" {
				fmt.Fprintln(stderr, "ketanmu:", ee.msg)
			}
			return ee.code
		case errors.As(err, &ce), errors.Is(err, config.ErrNotFound):
			fmt.Fprintln(stderr, "ketanmu:", err)
			return 2
		default:
			fmt.Fprintln(stderr, "ketanmu:", err)
			return 1
		}
	}
	fmt.Fprintf(stderr, "ketanmu: unknown command %q\n\n", args[0])
	usage(stderr)
	return 2
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "ketanmu — civil-registration services over WhatsApp, without queueing at the office.")
	fmt.Fprintln(w, "\nUsage: ketanmu <command> [flags]\n\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.usage)
	}
	fmt.Fprintln(w, "\nRun 'ketanmu <command> -h' for a command's flags.")
}

func runVersion(_ context.Context, _ []string, stdout, _ io.Writer) error {
	fmt.Fprintln(stdout, "ketanmu", ketanmu.Version)
	return nil
}

// newFlags returns a flag set that reports errors instead of exiting.
func newFlags(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("ketanmu "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return &exitError{code: 2}
	}
	if fs.NArg() > 0 {
		return &exitError{code: 2, msg: fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	}
	return nil
}
