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
	if checkpoint.IsURL(cfg.AuditCheckpoints) {
		if checkpoint.SameDatabase(cfg.AuditCheckpoints, cfg.DatabaseURL) {
			return nil, &configError{"OPPSLAG_AUDIT_CHECKPOINTS", sameDatabase}
		}
		if !cfg.auditCheckpointKeyNamed {
			// No file path to put a key beside; in scale-out every
			// instance must be given its key (one shared, or one each,
			// all pinned), not make one of its own.
			return nil, &configError{"OPPSLAG_AUDIT_CHECKPOINT_KEY_FILE", "required when OPPSLAG_AUDIT_CHECKPOINTS is a database"}
		}
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
	log, err := openCheckpointLog(ctx, cfg)
	if err != nil {
		return nil, err
	}
	w := checkpoint.NewWriter(log, key, instance, anchored.Head)
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
		log.Close()
	}, nil
}

const sameDatabase = "names the audit database itself (OPPSLAG_DATABASE_URL): checkpoints must live outside it, in another database or a file"

// openCheckpointLog opens OPPSLAG_AUDIT_CHECKPOINTS: a file, or in
// scale-out a second PostgreSQL database (checkpoint.Log). The audit
// database itself is refused: checkpoints there prove nothing against
// whoever can rewrite it.
func openCheckpointLog(ctx context.Context, cfg Config) (checkpoint.Log, error) {
	if checkpoint.IsURL(cfg.AuditCheckpoints) && checkpoint.SameDatabase(cfg.AuditCheckpoints, cfg.DatabaseURL) {
		return nil, &configError{"OPPSLAG_AUDIT_CHECKPOINTS", sameDatabase}
	}
	log, err := checkpoint.Open(ctx, cfg.AuditCheckpoints)
	if err != nil {
		return nil, &configError{"OPPSLAG_AUDIT_CHECKPOINTS", err.Error()}
	}
	return log, nil
}

func pinned(keys []ed25519.PublicKey, k ed25519.PublicKey) bool {
	for _, p := range keys {
		if p.Equal(k) {
			return true
		}
	}
	return false
}

// checkpointAnchors reads the checkpoint log for `audit verify` and
// returns the heads it trusts, printing to out what the operator must know
// about the log (off, missing, not pinned). problems counts what makes the
// verification fail: lines that are not trusted checkpoints, or no log
// although a key is pinned. It reads the log before the chain is walked,
// so every checkpoint's record is already in the walk's snapshot.
func checkpointAnchors(ctx context.Context, cfg Config, out io.Writer) (anchors []audit.Head, problems int, note func(), err error) {
	note = func() {}
	if cfg.AuditCheckpoints == "" {
		fmt.Fprintln(out, "audit: checkpoints are off (OPPSLAG_AUDIT_CHECKPOINTS=off): a consistent rewrite of the database would not be caught")
		return nil, 0, note, nil
	}
	trust, err := checkpointTrust(cfg)
	if err != nil {
		return nil, 0, note, err
	}
	log, err := readCheckpointLog(ctx, cfg)
	if err != nil {
		return nil, 0, note, err
	}
	defer log.Close()
	r, err := checkpoint.ReadAnchors(ctx, log, trust)
	if err != nil {
		return nil, 0, note, fmt.Errorf("OPPSLAG_AUDIT_CHECKPOINTS: %w", err)
	}
	if r.Missing {
		if len(cfg.AuditCheckpointPublicKeys) > 0 {
			fmt.Fprintf(out, "audit: checkpoints: no file at %s, though OPPSLAG_AUDIT_CHECKPOINT_PUBLIC_KEY is pinned\n", log)
			return nil, 1, note, nil
		}
		fmt.Fprintf(out, "audit: checkpoints: none yet at %s\n", log)
		return nil, 0, note, nil
	}
	if r.Torn {
		fmt.Fprintln(out, "audit: checkpoints: the last line is incomplete (a write cut short) and was left out")
	}
	for _, p := range r.Problems {
		fmt.Fprintf(out, "audit: checkpoints line %d: %s\n", p.Line, p.Reason)
	}
	where := log.String()
	note = func() {
		switch {
		case len(r.Anchors) == 0:
			fmt.Fprintf(out, "audit: checkpoints: none yet in %s\n", where)
		case len(trust.Pinned) > 0:
			fmt.Fprintf(out, "audit: %d checkpoints agree with the chain (signed by a pinned key)\n", len(r.Anchors))
		case r.Key != nil:
			fmt.Fprintf(out, "audit: %d checkpoints agree with the chain, signed by key %s, which is NOT pinned: "+
				"whoever can write the checkpoint log could have re-signed it; pin the key where verify runs with OPPSLAG_AUDIT_CHECKPOINT_PUBLIC_KEY=%s\n",
				len(r.Anchors), checkpoint.PublicKeyString(r.Key), checkpoint.PublicKeyString(r.Key))
		}
	}
	return r.Anchors, len(r.Problems), note, nil
}

// readCheckpointLog opens the log for reading only: a file is not
// created (verify sees a missing one as missing).
func readCheckpointLog(ctx context.Context, cfg Config) (checkpoint.Log, error) {
	if checkpoint.IsURL(cfg.AuditCheckpoints) {
		return openCheckpointLog(ctx, cfg)
	}
	return checkpoint.FileAt(cfg.AuditCheckpoints), nil
}

// checkpointTrust is whose checkpoints count: the pinned keys, else the
// instance's own key when its file is there. Verify never creates the key.
func checkpointTrust(cfg Config) (checkpoint.Trust, error) {
	trust := checkpoint.Trust{Pinned: cfg.AuditCheckpointPublicKeys}
	if len(trust.Pinned) > 0 {
		return trust, nil
	}
	key, err := checkpoint.LoadKey(cfg.AuditCheckpointKeyFile)
	switch {
	case err == nil:
		trust.Own = key.Public().(ed25519.PublicKey)
	case !errors.Is(err, os.ErrNotExist):
		return trust, &configError{"OPPSLAG_AUDIT_CHECKPOINT_KEY_FILE", err.Error()}
	}
	return trust, nil
}

// checkpointReader is how the audit page's chain check reads the
// checkpoints (handlers.AuditReviews.Checkpoints): nil when they are off.
// It trusts what `audit verify` trusts, read once at start-up, after
// startCheckpoints has made the instance's key; close ends a database
// log's connections.
func checkpointReader(ctx context.Context, cfg Config) (read func(context.Context) (checkpoint.Reading, error), close func(), err error) {
	if cfg.AuditCheckpoints == "" {
		return nil, func() {}, nil
	}
	trust, err := checkpointTrust(cfg)
	if err != nil {
		return nil, nil, err
	}
	log, err := readCheckpointLog(ctx, cfg)
	if err != nil {
		return nil, nil, err
	}
	return func(ctx context.Context) (checkpoint.Reading, error) {
		return checkpoint.ReadAnchors(ctx, log, trust)
	}, func() { log.Close() }, nil
}
