package app

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/oppslag/oppslag/clients/audit"
	"github.com/oppslag/oppslag/clients/audit/checkpoint"
)

// startCheckpoints signs the audit chain's head every
// OPPSLAG_AUDIT_CHECKPOINT_INTERVAL into OPPSLAG_AUDIT_CHECKPOINTS (S43).
// The returned stop writes the last checkpoint and must run after the
// server has shut down and before the store closes, so that it covers the
// last record. A key or file the portal cannot use stops start-up: running
// without the checkpoints the operator relies on would go unnoticed.
func startCheckpoints(ctx context.Context, cfg Config, store audit.Store, logger *slog.Logger) (stop func(), err error) {
	if cfg.AuditCheckpoints == "" {
		logger.Warn("audit checkpoints are off (OPPSLAG_AUDIT_CHECKPOINTS=off): a consistent rewrite of the audit database would go undetected")
		return func() {}, nil
	}
	anchored, ok := store.(audit.Anchored)
	if !ok {
		return nil, fmt.Errorf("OPPSLAG_AUDIT_CHECKPOINTS: the audit store cannot read its head")
	}
	var key ed25519.PrivateKey
	if cfg.auditCheckpointKeyNamed {
		key, err = checkpoint.LoadKey(cfg.AuditCheckpointKeyFile)
	} else {
		var created bool
		key, created, err = checkpoint.LoadOrCreateKey(cfg.AuditCheckpointKeyFile)
		if created {
			logger.Info("audit checkpoint key created; pin its public key where `oppslag audit verify` runs",
				"file", cfg.AuditCheckpointKeyFile,
				"OPPSLAG_AUDIT_CHECKPOINT_PUBLIC_KEY", checkpoint.PublicKeyString(key.Public().(ed25519.PublicKey)))
		}
	}
	if err != nil {
		return nil, &configError{"OPPSLAG_AUDIT_CHECKPOINT_KEY_FILE", err.Error()}
	}
	pub := key.Public().(ed25519.PublicKey)
	if len(cfg.AuditCheckpointPublicKeys) > 0 && !pinned(cfg.AuditCheckpointPublicKeys, pub) {
		return nil, &configError{"OPPSLAG_AUDIT_CHECKPOINT_KEY_FILE", "its key " + checkpoint.PublicKeyString(pub) +
			" is not among OPPSLAG_AUDIT_CHECKPOINT_PUBLIC_KEY: every checkpoint it signed would fail verify"}
	}
	instance, err := os.Hostname()
	if err != nil {
		instance = "unknown"
	}
	w, err := checkpoint.NewWriter(cfg.AuditCheckpoints, key, instance, anchored.Head)
	if err != nil {
		return nil, &configError{"OPPSLAG_AUDIT_CHECKPOINTS", err.Error()}
	}
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		w.Run(runCtx, cfg.AuditCheckpointInterval, func(err error) {
			logger.Error("audit checkpoint not written", "err", err)
		})
	}()
	return func() {
		cancel()
		<-done
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if _, err := w.Checkpoint(ctx); err != nil {
			logger.Error("audit checkpoint at shutdown not written", "err", err)
		}
	}, nil
}

func pinned(keys []ed25519.PublicKey, k ed25519.PublicKey) bool {
	for _, p := range keys {
		if p.Equal(k) {
			return true
		}
	}
	return false
}

// checkpointAnchors reads the checkpoint file for `audit verify` and
// returns the heads it trusts, printing to out what the operator must know
// about the file (off, missing, not pinned). problems counts what makes
// the verification fail: lines that are not trusted checkpoints, or no
// file although a key is pinned. It reads the file before the chain is
// walked, so every checkpoint's record is already in the walk's snapshot.
func checkpointAnchors(cfg Config, out io.Writer) (anchors []audit.Head, problems int, note func(), err error) {
	note = func() {}
	if cfg.AuditCheckpoints == "" {
		fmt.Fprintln(out, "audit: checkpoints are off (OPPSLAG_AUDIT_CHECKPOINTS=off): a consistent rewrite of the database would not be caught")
		return nil, 0, note, nil
	}
	f, err := os.Open(cfg.AuditCheckpoints)
	if errors.Is(err, os.ErrNotExist) {
		if len(cfg.AuditCheckpointPublicKeys) > 0 {
			fmt.Fprintf(out, "audit: checkpoints: no file at %s, though OPPSLAG_AUDIT_CHECKPOINT_PUBLIC_KEY is pinned\n", cfg.AuditCheckpoints)
			return nil, 1, note, nil
		}
		fmt.Fprintf(out, "audit: checkpoints: none yet at %s\n", cfg.AuditCheckpoints)
		return nil, 0, note, nil
	}
	if err != nil {
		return nil, 0, note, fmt.Errorf("OPPSLAG_AUDIT_CHECKPOINTS: %w", err)
	}
	defer f.Close()
	entries, torn, err := checkpoint.Read(f)
	if err != nil {
		return nil, 0, note, fmt.Errorf("OPPSLAG_AUDIT_CHECKPOINTS: %w", err)
	}
	if torn {
		fmt.Fprintln(out, "audit: checkpoints: the last line is incomplete (a write cut short) and was left out")
	}
	trust := checkpoint.Trust{Pinned: cfg.AuditCheckpointPublicKeys}
	if len(trust.Pinned) == 0 {
		// Verify never creates the key: it only reads the one the
		// instance made, if it is there.
		key, err := checkpoint.LoadKey(cfg.AuditCheckpointKeyFile)
		switch {
		case err == nil:
			trust.Own = key.Public().(ed25519.PublicKey)
		case !errors.Is(err, os.ErrNotExist):
			return nil, 0, note, &configError{"OPPSLAG_AUDIT_CHECKPOINT_KEY_FILE", err.Error()}
		}
	}
	anchors, lineProblems, key := trust.Anchors(entries)
	for _, p := range lineProblems {
		fmt.Fprintf(out, "audit: checkpoints line %d: %s\n", p.Line, p.Reason)
	}
	note = func() {
		switch {
		case len(anchors) == 0:
			fmt.Fprintf(out, "audit: checkpoints: none yet in %s\n", cfg.AuditCheckpoints)
		case len(trust.Pinned) > 0:
			fmt.Fprintf(out, "audit: %d checkpoints agree with the chain (signed by a pinned key)\n", len(anchors))
		case key != nil:
			fmt.Fprintf(out, "audit: %d checkpoints agree with the chain, signed by key %s, which is NOT pinned: "+
				"whoever can write the checkpoint file could have re-signed it; pin the key where verify runs with OPPSLAG_AUDIT_CHECKPOINT_PUBLIC_KEY=%s\n",
				len(anchors), checkpoint.PublicKeyString(key), checkpoint.PublicKeyString(key))
		}
	}
	return anchors, len(lineProblems), note, nil
}
