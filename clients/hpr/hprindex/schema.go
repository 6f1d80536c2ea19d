package hprindex

// formatVersion names the layout of the index file. Open refuses a file of
// another version, so a deploy that changes the layout rebuilds instead of
// misreading.
const formatVersion = "hprindex/1"

// schema is created in the new file before the first row is written. The
// tables:
//   - personnel: one row per HPR number, the full JSON document last so a
//     lookup reading only the summary columns never touches its overflow
//     pages;
//   - rank: the hits' stable order. pos numbers the entries by family,
//     given and middle name skeleton, then HPR number; the FTS rowid is
//     pos, so FTS5 hands back matches already in display order and a
//     LIMIT stops the scan early;
//   - names: contentless FTS5 over the name terms. detail=none because a
//     name search needs neither positions nor columns, only which entries
//     hold a term, which keeps the index small and the merges fast; the
//     ascii tokenizer because the terms are already folded and split
//     (non-ASCII bytes count as token characters there); prefix indexes
//     for 1–4 characters, the prefixes people type before a list is short;
//   - vocab: every name skeleton (see vocabTerm for cut), so a prefix longer than the FTS prefix
//     indexes becomes an OR of the few terms it starts (FTS5 would merge
//     the doclists of all of them before the LIMIT could stop it, and a
//     prefix such as "hanse" covers one person in a hundred);
//   - typo: the deletion keys of every name skeleton of four or more
//     letters (see deletions), for one-edit typo tolerance;
//   - meta: format version, entry count, build and export time.
var schema = []string{
	`CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT, WITHOUT ROWID`,
	`CREATE TABLE personnel (
		hpr INTEGER PRIMARY KEY,
		family TEXT NOT NULL,
		given TEXT NOT NULL,
		middle TEXT NOT NULL,
		family_key TEXT NOT NULL,
		birth TEXT NOT NULL,
		nin TEXT NOT NULL,
		categories TEXT NOT NULL,
		active INTEGER NOT NULL,
		suspended INTEGER NOT NULL,
		deceased INTEGER NOT NULL,
		replaced_by INTEGER NOT NULL,
		valid_to TEXT NOT NULL,
		last_updated INTEGER NOT NULL,
		exported_at INTEGER NOT NULL,
		doc BLOB NOT NULL
	) STRICT`,
	`CREATE TABLE rank (pos INTEGER PRIMARY KEY, hpr INTEGER NOT NULL) STRICT`,
	`CREATE TABLE vocab (term TEXT PRIMARY KEY, cut INTEGER NOT NULL) STRICT, WITHOUT ROWID`,
	`CREATE TABLE typo (del TEXT NOT NULL, term TEXT NOT NULL, PRIMARY KEY (del, term)) STRICT, WITHOUT ROWID`,
	`CREATE VIRTUAL TABLE names USING fts5(terms, content='', detail=none, columnsize=0, prefix='1 2 3 4', tokenize='ascii')`,
	// The staging table lives in the build connection's temp database, so
	// the sort keys and term lists never take room in the index file.
	`CREATE TEMP TABLE stage (hpr INTEGER PRIMARY KEY, sort_key TEXT NOT NULL, terms TEXT NOT NULL)`,
}

// finish runs after the last row: the ranked order, the FTS index, the
// lookup indexes, and FTS5's optimize, which merges the index into one
// segment so a query reads one b-tree instead of several.
var finish = []string{
	`CREATE TEMP TABLE ranked AS SELECT hpr, terms FROM temp.stage ORDER BY sort_key, hpr`,
	`INSERT INTO rank (pos, hpr) SELECT rowid, hpr FROM temp.ranked ORDER BY rowid`,
	`INSERT INTO names (rowid, terms) SELECT rowid, terms FROM temp.ranked ORDER BY rowid`,
	`INSERT INTO names (names) VALUES ('optimize')`,
	`CREATE INDEX personnel_nin ON personnel (nin) WHERE nin <> ''`,
	`CREATE INDEX personnel_birth ON personnel (birth)`,
}

const insertPersonnel = `INSERT OR REPLACE INTO personnel (hpr, family, given, middle, family_key, birth, nin,
	categories, active, suspended, deceased, replaced_by, valid_to, last_updated, exported_at, doc)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

const insertStage = `INSERT OR REPLACE INTO temp.stage (hpr, sort_key, terms) VALUES (?, ?, ?)`

const hitColumns = `p.hpr, p.family, p.given, p.middle, p.birth, p.categories, p.active, p.suspended,
	p.deceased, p.replaced_by, p.valid_to, p.last_updated, p.exported_at`

const searchQuery = `SELECT names.rowid, ` + hitColumns + `
	FROM names JOIN rank r ON r.pos = names.rowid JOIN personnel p ON p.hpr = r.hpr
	WHERE names MATCH ?1 ORDER BY names.rowid LIMIT ?2`

const prefixQuery = `SELECT term FROM vocab WHERE term >= ?1 AND term < ?2 AND cut < length(CAST(?1 AS BLOB)) ORDER BY term LIMIT ?3`

const typoQuery = `SELECT DISTINCT term FROM typo WHERE del IN (SELECT value FROM json_each(?1)) ORDER BY term`
