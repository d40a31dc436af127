package commands

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/crypto/bcrypt"
	"golang.org/x/term"
)

// newPasswdCommand is `mauve passwd`.
func newPasswdCommand(env *Env) *cobra.Command {
	cost := bcrypt.DefaultCost
	cmd := &cobra.Command{
		Use:   "passwd",
		Short: "Read a password without echo and print its bcrypt hash for a person block",
		Long: `mauve passwd reads a password (twice, without echo, on a terminal; one line
from standard input otherwise) and prints its bcrypt hash, to paste as the
password of a person block:

  person "johnny" {
    password = "$2a$10$..."
  }`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			password, err := readPassword(env.Stdin, cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			hash, err := bcrypt.GenerateFromPassword([]byte(password), cost)
			if err != nil {
				return fmt.Errorf("hash password: %w", err)
			}
			_, err = fmt.Fprintln(cmd.OutOrStdout(), string(hash))
			return err
		},
	}
	cmd.Flags().IntVar(&cost, "cost", bcrypt.DefaultCost, fmt.Sprintf("bcrypt cost, %d to %d", bcrypt.MinCost, bcrypt.MaxCost))
	return cmd
}

// readPassword reads a password: twice without echo from a terminal, else
// one line of in.
func readPassword(in io.Reader, prompt io.Writer) (string, error) {
	if f, ok := in.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		if restore, err := echoOff(int(f.Fd())); err == nil {
			defer restore()
		}
		fmt.Fprint(prompt, "Password: ")
		p1, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(prompt)
		if err != nil {
			return "", fmt.Errorf("read password: %w", err)
		}
		fmt.Fprint(prompt, "Again: ")
		p2, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(prompt)
		if err != nil {
			return "", fmt.Errorf("read password: %w", err)
		}
		if string(p1) != string(p2) {
			return "", errors.New("the passwords differ; nothing printed")
		}
		return checkPassword(string(p1))
	}
	line, err := bufio.NewReader(io.LimitReader(in, 4096)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read password from standard input: %w", err)
	}
	return checkPassword(strings.TrimRight(line, "\r\n"))
}

func checkPassword(p string) (string, error) {
	switch {
	case p == "":
		return "", errors.New("empty password: type one (or pipe one line to standard input)")
	case len(p) > 72:
		return "", errors.New("password longer than 72 bytes, which bcrypt cannot hash: choose a shorter one")
	}
	return p, nil
}
