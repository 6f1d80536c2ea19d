// Package hprindex is the portal's local index of Helsepersonellregisteret,
// built from the register's export (GET /v1/export, scope nhn:hpr/export):
// name search, lookups by HPR number, identity number and surname plus
// birth date, and whole cards, with zero calls to HPR's rate-limited API
// (bucket 200, refill 10 a minute) once the export is in.
//
// # Building
//
// The export is a zip; each entry holds consecutive JSON objects of the
// shape of hpr.Personnel. Build reads the entries in parallel with a
// streaming json.Decoder each (unknown fields are accepted; a wrong type,
// a broken zip or an object over MaxObjectBytes fails the build with the
// entry name and the object index, never with the data), and writes a new
// SQLite file beside the destination: journal and sync off while it fills,
// one transaction, prepared statements, the lookup indexes and FTS5's
// optimize at the end, then fsync and rename. Readers of the old file are
// never disturbed and never see a half-built one; a failed build removes
// its temporary file and leaves the old index as it was.
//
// Each entry keeps its full JSON document (so a card renders from the
// index alone), its names, birth date, identity number (for ByNIN; never
// logged, never in an error), the categories of its current approvals, a
// status summary (Status) as of the export day, sistOppdatert and the
// export time.
//
// # Searching
//
// Names are folded (package fold) the way people type Norwegian names on any
// keyboard: case, diacritics (é, ü, å), the letters æ/ø and their ASCII
// spellings (aa, ae, oe, ue) all meet in one skeleton, so "Bjørn" is found
// by "bjorn" and "bjoern", "Åse" by "aase" and "ase", "Sæther" by
// "saether" and "sather". Every part of a name is a term; hyphenated names
// count run together too ("annelise" finds Anne-Lise). Terms go into a
// contentless FTS5 table whose rowids are the entries' positions in name
// order, so FTS5 returns matches already sorted and a LIMIT stops early.
//
// A search runs in tiers, stopping as soon as it has enough hits: exact
// (as written, then folded), prefix, typo. Each word of the query must
// match (AND), so more words narrow the list.
//
// Typo tolerance (one insertion, deletion, substitution or swap, on words
// of five letters or more) uses a deletion table rather than trigrams or
// an edit-distance scan: at build time every distinct name skeleton
// stores itself and each string made by deleting one of its letters; a
// query word looks up its own deletions in the same table, which yields
// every term within one edit (and a few others, which an exact check
// drops) with one indexed query, whatever the size of the register. The
// vocabulary of names is small (tens of thousands of terms, about ten
// keys each), so the table is cheap, and the lookup costs the same for
// "Haugladn" as for "Johansne". Trigram matching would be slower to build,
// bigger, and rank by overlap rather than by edits; a scan over the
// vocabulary would cost milliseconds per word.
//
// # Serving
//
// Open opens a built file read-only and immutable (it never changes after
// the rename), with a fixed pool of connections, so searches run in
// parallel with each other and with a rebuild. Refresher owns the cycle:
// it loads the file a previous run left, fetches and rebuilds on a
// schedule, swaps the new index in after the old one's last query, keeps
// the old index when a refresh fails, and reports both in Status for the
// UI's freshness line.
package hprindex
