package checkpoint

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/oppslag/oppslag/clients/audit"
)

// Writer appends signed checkpoints of a store's head to a Log.
type Writer struct {
	log      Log
	key      ed25519.PrivateKey
	instance string
	head     func(context.Context) (audit.Head, error)
	now      func() time.Time

	mu   sync.Mutex // one line at a time, so lines never interleave
	last audit.Head // the head this writer last wrote
}

// NewWriter returns a Writer that signs head's answer with key as instance
// and appends it to log.
func NewWriter(log Log, key ed25519.PrivateKey, instance string, head func(context.Context) (audit.Head, error)) *Writer {
	return &Writer{log: log, key: key, instance: instance, head: head, now: time.Now}
}

// Checkpoint signs the current head and appends it, unless it is the head
// this writer wrote last (an idle portal adds no lines) or the chain is
// still empty. The line is durable when it returns; written says whether
// one was added.
func (w *Writer) Checkpoint(ctx context.Context) (written bool, err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	h, err := w.head(ctx)
	if err != nil {
		return false, fmt.Errorf("checkpoint: read head: %w", err)
	}
	if h.Seq == 0 || h == w.last {
		return false, nil
	}
	line, err := Encode(w.key, Checkpoint{Head: h, Time: w.now(), Instance: w.instance})
	if err != nil {
		return false, err
	}
	if err := w.log.Append(ctx, line); err != nil {
		return false, fmt.Errorf("checkpoint: write: %w", err)
	}
	w.last = h
	return true, nil
}

// File is a checkpoint log in an append-only file: one line per checkpoint.
type File struct{ path string }

// OpenFile returns the log in the file at path. It creates the file if
// missing, so a path the portal cannot write stops start-up rather than
// the first checkpoint.
func OpenFile(path string) (*File, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("checkpoint: %w", err)
	}
	f.Close()
	return &File{path: path}, nil
}

// FileAt is the log in the file at path, for reading: it creates nothing,
// so verify leaves no empty file behind and sees a missing one as missing.
func FileAt(path string) *File { return &File{path: path} }

// Append writes line (newline included) at the end of the file and syncs it.
func (l *File) Append(_ context.Context, line []byte) error {
	// Opened per line, so a file moved away (rotated, shipped) is
	// followed by a new one rather than written behind the operator's back.
	f, err := os.OpenFile(l.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return err
	}
	// One write of the whole line: with O_APPEND, lines of several writers
	// on one file do not interleave.
	_, err = f.Write(line)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// Entries reads the file (Read); a missing file is an error that wraps
// os.ErrNotExist.
func (l *File) Entries(context.Context) ([]Entry, bool, error) {
	f, err := os.Open(l.path)
	if err != nil {
		return nil, false, err
	}
	defer f.Close()
	return Read(f)
}

// String names the file.
func (l *File) String() string { return l.path }

// Close does nothing: the file is opened per line.
func (l *File) Close() error { return nil }

// Run writes a checkpoint every interval until ctx ends, reporting failures
// to failed and going on: a missed checkpoint weakens the proof, it does
// not stop the portal (the chain itself is intact). The last checkpoint, at
// shutdown, is the caller's: it must follow the last record.
func (w *Writer) Run(ctx context.Context, interval time.Duration, failed func(error)) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if _, err := w.Checkpoint(ctx); err != nil && ctx.Err() == nil {
				failed(err)
			}
		}
	}
}

// Entry is one line of a checkpoint file: the checkpoint and the key that
// signed it, or Err when the line is not a validly signed checkpoint.
type Entry struct {
	Line       int // 1-based
	Checkpoint Checkpoint
	Key        ed25519.PublicKey
	Err        error
}

// maxLine bounds a line; a checkpoint line is under 600 bytes.
const maxLine = 64 << 10

// Read reads a checkpoint file. A last line without its newline is a write
// cut short (a crash between write and fsync) and is left out; torn says
// so. Every other line becomes an Entry, undecodable ones with Err set.
func Read(r io.Reader) (entries []Entry, torn bool, err error) {
	br := bufio.NewReaderSize(r, 4096)
	for n := 1; ; n++ {
		line, err := readLine(br)
		if err == io.EOF {
			return entries, len(line) > 0, nil
		}
		if err != nil {
			return nil, false, fmt.Errorf("checkpoint: read line %d: %w", n, err)
		}
		if len(bytes.TrimSpace(line)) == 0 {
			entries = append(entries, Entry{Line: n, Err: fmt.Errorf("%w: empty line", ErrFormat)})
			continue
		}
		c, key, derr := Decode(line)
		entries = append(entries, Entry{Line: n, Checkpoint: c, Key: key, Err: derr})
	}
}

// readLine returns one line with its newline, or what is left and io.EOF.
func readLine(br *bufio.Reader) ([]byte, error) {
	var line []byte
	for {
		chunk, err := br.ReadSlice('\n')
		line = append(line, chunk...)
		if len(line) > maxLine {
			return nil, errors.New("line too long")
		}
		switch {
		case err == nil:
			return line, nil
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		default:
			return line, err
		}
	}
}

// Trust says whose checkpoints count.
type Trust struct {
	// Pinned are the keys the operator pinned; when set, only they count.
	Pinned []ed25519.PublicKey
	// Own is the instance's key, from its key file, used when nothing is
	// pinned; when it is nil too, the first valid line's key is used.
	Own ed25519.PublicKey
}

// Reasons an Entry is not used as an anchor.
const (
	ReasonUnreadable   = "not a checkpoint"            // the line is not one this package writes
	ReasonBadSignature = "bad signature"               // the line changed after it was signed
	ReasonUntrusted    = "signed by a key not trusted" // signed, but by another key than the trusted one(s)
)

// LineProblem is an Entry that is not used, and why.
type LineProblem struct {
	Line   int
	Reason string
}

// Anchors returns the heads of the entries signed by a trusted key, for
// audit.Anchored.VerifyAnchored, and a problem for every other entry. key
// is the key the unpinned case settled on (nil when pinned or no entry is valid).
func (t Trust) Anchors(entries []Entry) (anchors []audit.Head, problems []LineProblem, key ed25519.PublicKey) {
	trusted := func(k ed25519.PublicKey) bool {
		for _, p := range t.Pinned {
			if p.Equal(k) {
				return true
			}
		}
		return false
	}
	if len(t.Pinned) == 0 {
		key = t.Own
		trusted = func(k ed25519.PublicKey) bool {
			if key == nil {
				key = k
			}
			return key.Equal(k)
		}
	}
	for _, e := range entries {
		switch {
		case errors.Is(e.Err, ErrSignature):
			problems = append(problems, LineProblem{e.Line, ReasonBadSignature})
		case e.Err != nil:
			problems = append(problems, LineProblem{e.Line, ReasonUnreadable})
		case !trusted(e.Key):
			problems = append(problems, LineProblem{e.Line, ReasonUntrusted})
		default:
			anchors = append(anchors, e.Checkpoint.Head)
		}
	}
	return anchors, problems, key
}
