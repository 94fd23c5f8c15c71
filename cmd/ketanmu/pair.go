package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/mdp/qrterminal/v3"
	"golang.org/x/term"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/bot/whatsapp"
	"github.com/ketanmu/ketanmu/config"
)

// runPair links an account's WhatsApp number: a QR code to scan, or a code to type.
func runPair(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("pair", stderr)
	var common commonFlags
	common.register(fs)
	key := fs.String("account", "", "key of the account to link (see accounts in the config)")
	phone := fs.String("phone", "", "show an 8-character code to type on this phone (628…) instead of a QR code")
	force := fs.Bool("force", false, "log the account's current device out first and link again")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg, err := common.loadConfig(flagGiven(fs, "config"), stderr)
	if err != nil {
		return err
	}
	acc, err := pairAccount(cfg, *key)
	if err != nil {
		return err
	}
	if *phone != "" {
		p, err := ketanmu.NormalizePhone(*phone)
		if err != nil {
			return &exitError{code: 2, msg: "--phone: " + ketanmu.ErrorMessage(err)}
		}
		if p != acc.Phone {
			return &exitError{code: 2, msg: fmt.Sprintf("--phone %s is not the number of account %s (%s in %s)", *phone, acc.Key, acc.Phone, cfg.Source)}
		}
	}
	log := newLogger(cfg, stderr)
	tr, err := whatsapp.Open(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer tr.Close()

	screen := newQRScreen(stdout)
	defer screen.stop()
	fmt.Fprintf(stdout, "Linking account %s (%s, %s).\n", acc.Key, acc.Name, acc.Phone)
	jid, err := tr.Pair(ctx, whatsapp.PairOptions{
		Account: acc.Key, Phone: *phone, Force: *force,
		QR: func(code string, valid time.Duration) {
			screen.show(code, valid, fmt.Sprintf("On the phone of %s: WhatsApp › Settings › Linked devices › Link a device, then scan:", acc.Phone))
		},
		Code: func(code string) {
			fmt.Fprintf(stdout, "\nOn the phone of %s: WhatsApp › Settings › Linked devices › Link a device ›\n", acc.Phone)
			fmt.Fprintf(stdout, "\"Link with phone number instead\", and type this code:\n\n    %s\n\n", pairingCode(code))
		},
		Progress: func(msg string) {
			screen.stop()
			fmt.Fprintln(stdout, msg)
		},
	})
	screen.stop()
	if err != nil {
		return pairError(ctx, acc, err)
	}
	fmt.Fprintf(stdout, "Linked: account %s is now device %s.\n", acc.Key, ketanmu.MaskPhone(jid.String()))
	fmt.Fprintln(stdout, "Start `ketanmu serve` (a running one connects the account within 10 seconds).")
	return nil
}

// pairingCode shows a pairing code as the phone asks for it, "ABCD-EFGH". whatsmeow already
// returns it with the dash; a bare 8-character code gets one.
func pairingCode(code string) string {
	if len(code) == 8 && !strings.Contains(code, "-") {
		return code[:4] + "-" + code[4:]
	}
	return code
}

func pairAccount(cfg *config.Config, key string) (config.Account, error) {
	keys := make([]string, 0, len(cfg.Accounts))
	for _, a := range cfg.Accounts {
		keys = append(keys, a.Key)
	}
	if key == "" {
		return config.Account{}, &exitError{code: 2, msg: "--account KEY is required; accounts: " + strings.Join(keys, ", ")}
	}
	acc, ok := cfg.Account(key)
	if !ok {
		return config.Account{}, &exitError{code: 2, msg: fmt.Sprintf("unknown account %q; accounts in %s: %s", key, cfg.Source, strings.Join(keys, ", "))}
	}
	return acc, nil
}

// pairError turns a pairing failure into a message and an exit status: 2 for what the command
// line or the config must change, 1 for the rest.
func pairError(ctx context.Context, acc config.Account, err error) error {
	switch {
	case ctx.Err() != nil:
		return &exitError{code: 1, msg: "pairing cancelled"}
	case errors.Is(err, whatsapp.ErrAlreadyPaired), errors.Is(err, whatsapp.ErrWrongNumber),
		errors.Is(err, whatsapp.ErrUnknownAccount):
		return &exitError{code: 2, msg: err.Error()}
	case ketanmu.ErrorCode(err) == ketanmu.EINVALID:
		return &exitError{code: 2, msg: ketanmu.ErrorMessage(err)}
	case errors.Is(err, whatsapp.ErrPairTimeout):
		return &exitError{code: 1, msg: err.Error() + "; run the command again when the phone is at hand"}
	case errors.Is(err, whatsapp.ErrNoNetwork):
		return &exitError{code: 1, msg: err.Error()}
	case errors.Is(err, whatsapp.ErrClientOutdated):
		return &exitError{code: 1, msg: err.Error() + " (see docs/whatsapp.md)"}
	}
	return &exitError{code: 1, msg: fmt.Sprintf("pairing account %s failed: %v", acc.Key, err)}
}

// qrScreen shows QR codes in the terminal, each replacing the last, with the time it has left.
type qrScreen struct {
	w   io.Writer
	tty bool

	mu   sync.Mutex
	done chan struct{}
	wg   sync.WaitGroup
}

func newQRScreen(w io.Writer) *qrScreen {
	f, ok := w.(*os.File)
	return &qrScreen{w: w, tty: ok && term.IsTerminal(int(f.Fd()))}
}

func (q *qrScreen) show(code string, valid time.Duration, header string) {
	q.stop()
	if q.tty {
		fmt.Fprint(q.w, "\033[H\033[2J") // a new code replaces the old one on screen
	}
	fmt.Fprintf(q.w, "\n%s\n\n", header)
	qrterminal.GenerateHalfBlock(code, qrterminal.L, q.w)
	if !q.tty {
		fmt.Fprintf(q.w, "This code is valid for %d seconds; a new one follows.\n", int(valid.Seconds()))
		return
	}
	q.mu.Lock()
	q.done = make(chan struct{})
	done := q.done
	q.mu.Unlock()
	q.wg.Add(1)
	go func() {
		defer q.wg.Done()
		end := time.Now().Add(valid)
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		for {
			left := time.Until(end).Round(time.Second)
			fmt.Fprintf(q.w, "\rThis code is valid for %2d more seconds; a new one follows. ", int(max(left, 0).Seconds()))
			select {
			case <-done:
				fmt.Fprintln(q.w)
				return
			case <-tick.C:
			}
		}
	}()
}

// stop ends the countdown of the code on screen.
func (q *qrScreen) stop() {
	q.mu.Lock()
	if q.done != nil {
		close(q.done)
		q.done = nil
	}
	q.mu.Unlock()
	q.wg.Wait()
}
