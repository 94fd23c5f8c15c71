package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"
	"golang.org/x/term"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/casework"
	"github.com/ketanmu/ketanmu/internal/app"
	"github.com/ketanmu/ketanmu/store"
)

// stdin is where `operator passwd` reads a password that does not come from a terminal.
var stdin io.Reader = os.Stdin

const minPasswordLen = 10

const operatorUsage = `Usage:
  ketanmu operator passwd [flags] NAME          set NAME's workspace password (asked, or one line on stdin)
  ketanmu operator token create [flags] NAME    make a personal cases-API token (printed once)
  ketanmu operator token list [flags] NAME      list NAME's tokens
  ketanmu operator token revoke [flags] NAME [ID]  revoke token ID, or every token of NAME
  ketanmu operator list [flags]                 list the operators and whether they have a password
NAME is the operator's name as in the config (quote it: "Rina (front office)").`

// runOperator manages the operators' credentials: workspace passwords and API tokens.
func runOperator(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprintln(stdout, operatorUsage)
		return nil
	}
	sub := args[0]
	if sub == "token" {
		if len(args) < 2 {
			return &exitError{code: 2, msg: "operator token: create, list or revoke?\n" + operatorUsage}
		}
		sub += " " + args[1]
		args = args[1:]
	}
	fs := newFlags("operator "+sub, stderr)
	var common commonFlags
	fs.StringVar(&common.config, "config", "config.yaml", "config file (falls back to the built-in config.example.yaml when absent)")
	fs.StringVar(&common.data, "data", "", "data folder (overrides storage.data_dir)")
	label := ""
	if sub == "token create" {
		fs.StringVar(&label, "label", "", "what the token is for (shown by token list)")
	}
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return &exitError{code: 2}
	}
	rest := fs.Args()
	want := map[string][2]int{"passwd": {1, 1}, "list": {0, 0}, "token create": {1, 1}, "token list": {1, 1}, "token revoke": {1, 2}}
	n, ok := want[sub]
	if !ok {
		return &exitError{code: 2, msg: fmt.Sprintf("operator: unknown subcommand %q\n%s", sub, operatorUsage)}
	}
	if len(rest) < n[0] || len(rest) > n[1] {
		return &exitError{code: 2, msg: "operator " + sub + ": wrong arguments\n" + operatorUsage}
	}
	cfg, err := common.loadConfig(flagGiven(fs, "config"), stderr)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(cfg.Storage.DataDir, 0o700); err != nil {
		return fmt.Errorf("data folder: %w", err)
	}
	// Credentials need no data key: no document is read.
	db, err := store.Open(app.InDir(cfg.Storage.DataDir, cfg.Storage.Database), nil)
	if err != nil {
		return err
	}
	defer db.Close()
	// The operators follow the config, as at start-up, so that a new operator can get a
	// password before the service has run.
	if err := db.SeedOperators(ctx, casework.ConfigOperators(cfg)); err != nil {
		return err
	}
	name := ""
	if len(rest) > 0 {
		name = rest[0]
	}
	switch sub {
	case "passwd":
		return setPassword(ctx, db, name, stdout, stderr)
	case "list":
		return listOperators(ctx, db, stdout)
	case "token create":
		return createToken(ctx, db, name, label, stdout)
	case "token list":
		return listTokens(ctx, db, name, stdout)
	}
	var id int64
	if len(rest) == 2 {
		if id, err = strconv.ParseInt(rest[1], 10, 64); err != nil || id <= 0 {
			return &exitError{code: 2, msg: fmt.Sprintf("token id %q is not a number (see token list)", rest[1])}
		}
	}
	return revokeTokens(ctx, db, name, id, stdout)
}

func operatorError(err error) error {
	if ketanmu.ErrorCode(err) == ketanmu.ENOTFOUND {
		return &exitError{code: 2, msg: ketanmu.ErrorMessage(err) + " (names are as in the config's operators; see `ketanmu operator list`)"}
	}
	return err
}

func setPassword(ctx context.Context, db *store.DB, name string, stdout, stderr io.Writer) error {
	if _, err := db.OperatorNamed(ctx, name); err != nil {
		return operatorError(err)
	}
	pw, err := readPassword(name, stderr)
	if err != nil {
		return err
	}
	if utf8.RuneCountInString(pw) < minPasswordLen {
		return &exitError{code: 2, msg: fmt.Sprintf("the password must be at least %d characters", minPasswordLen)}
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(pw), bcrypt.DefaultCost)
	if err != nil {
		return &exitError{code: 2, msg: "password: " + err.Error()}
	}
	if err := db.SetOperatorPassword(ctx, name, string(hash)); err != nil {
		return operatorError(err)
	}
	fmt.Fprintf(stdout, "Password of %s set; their open sessions are signed out.\n", name)
	return nil
}

// readPassword asks twice on a terminal; otherwise it reads one line from stdin.
func readPassword(name string, stderr io.Writer) (string, error) {
	if f, ok := stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprintf(stderr, "New password for %s: ", name)
		first, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(stderr)
		if err != nil {
			return "", err
		}
		fmt.Fprint(stderr, "Again: ")
		second, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(stderr)
		if err != nil {
			return "", err
		}
		if string(first) != string(second) {
			return "", &exitError{code: 2, msg: "the two passwords differ; nothing changed"}
		}
		return string(first), nil
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	return strings.TrimRight(line, "\r\n"), nil
}

func listOperators(ctx context.Context, db *store.DB, stdout io.Writer) error {
	var ops []ketanmu.Operator
	err := db.View(ctx, func(tx *store.Tx) (err error) {
		ops, err = tx.Operators()
		return err
	})
	if err != nil {
		return err
	}
	w := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "NAME\tPHONE\tROLES\tPASSWORD")
	for _, op := range ops {
		pw := "-"
		if op.PasswordHash != "" {
			pw = "set"
		}
		roles := make([]string, len(op.Roles))
		for i, r := range op.Roles {
			roles[i] = string(r)
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", op.Name, ketanmu.MaskPhone(op.Phone), strings.Join(roles, ","), pw)
	}
	return w.Flush()
}

func createToken(ctx context.Context, db *store.DB, name, label string, stdout io.Writer) error {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return err
	}
	tok := "ktm_" + base64.RawURLEncoding.EncodeToString(b)
	var id int64
	err := db.Update(ctx, func(tx *store.Tx) error {
		op, err := tx.OperatorByName(name)
		if err != nil {
			return err
		}
		id, err = tx.AddToken(op.ID, tok, label)
		return err
	})
	if err != nil {
		return operatorError(err)
	}
	fmt.Fprintf(stdout, "Token %d of %s (shown only now; only its hash is kept):\n%s\n", id, name, tok)
	return nil
}

func listTokens(ctx context.Context, db *store.DB, name string, stdout io.Writer) error {
	var toks []store.APIToken
	err := db.View(ctx, func(tx *store.Tx) error {
		op, err := tx.OperatorByName(name)
		if err != nil {
			return err
		}
		toks, err = tx.Tokens(op.ID)
		return err
	})
	if err != nil {
		return operatorError(err)
	}
	w := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "ID\tLABEL\tCREATED\tLAST USED\tREVOKED")
	day := func(t interface{ IsZero() bool }, s string) string {
		if t.IsZero() {
			return "-"
		}
		return s
	}
	for _, t := range toks {
		fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\n", t.ID, orDash(t.Label), day(t.CreatedAt, t.CreatedAt.Format("2006-01-02 15:04")),
			day(t.LastUsed, t.LastUsed.Format("2006-01-02 15:04")), day(t.Revoked, t.Revoked.Format("2006-01-02 15:04")))
	}
	return w.Flush()
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func revokeTokens(ctx context.Context, db *store.DB, name string, id int64, stdout io.Writer) error {
	var n int64
	err := db.Update(ctx, func(tx *store.Tx) error {
		op, err := tx.OperatorByName(name)
		if err != nil {
			return err
		}
		n, err = tx.RevokeTokens(op.ID, id)
		return err
	})
	if err != nil {
		return operatorError(err)
	}
	if n == 0 {
		return &exitError{code: 1, msg: fmt.Sprintf("no active token to revoke for %s", name)}
	}
	fmt.Fprintf(stdout, "Revoked %d token(s) of %s.\n", n, name)
	return nil
}
