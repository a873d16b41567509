import EvalmockKit

/// Scorecard v2 tables.
enum ScorecardV2Migrations {
    static let resourceTable = "scorecard_resources"

    static let all = [
        // Before the resource layer: runs, records and tags in tables of their own.
        Migration(
            name: "scorecard-v2-001-runs-records-tags",
            sql: """
                CREATE TABLE scorecard_runs (
                    id TEXT PRIMARY KEY,
                    created_at TEXT NOT NULL
                );
                CREATE TABLE scorecard_records (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    run_id TEXT NOT NULL REFERENCES scorecard_runs(id) ON DELETE CASCADE,
                    testcase_id TEXT,
                    inputs TEXT NOT NULL,
                    expected TEXT NOT NULL,
                    outputs TEXT NOT NULL,
                    session_id TEXT,
                    otel_link_id TEXT,
                    created_at TEXT NOT NULL
                );
                CREATE INDEX scorecard_records_by_run ON scorecard_records(run_id, id);
                CREATE TABLE scorecard_record_tags (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    record_id INTEGER NOT NULL REFERENCES scorecard_records(id) ON DELETE CASCADE,
                    text TEXT NOT NULL,
                    source TEXT NOT NULL DEFAULT 'user',
                    created_at TEXT NOT NULL,
                    UNIQUE (record_id, text)
                );
                """),
        ResourceStore.migration(name: "scorecard-v2-002-resources", table: resourceTable),
        // What the earlier tables hold moves into the resource table, in place. Records keep
        // their ids (their `seq`), and the counter continues above the highest id ever given,
        // so no id names new data. `json_patch('{}', …)` leaves out the members that were not
        // sent (null), as the answers did. Tags get new ids after the records'.
        Migration(
            name: "scorecard-v2-003-runs-records-tags-as-resources",
            sql: """
                INSERT INTO sqlite_sequence (name, seq)
                    SELECT '\(resourceTable)', seq FROM sqlite_sequence WHERE name = 'scorecard_records';
                INSERT INTO \(resourceTable) (kind, id, document)
                    SELECT 'run', id, json_object('testsetId', NULL, 'systemId', NULL, 'systemVersionId', NULL,
                        'metricIds', json('[]'), 'metricVersionIds', json('[]'), 'numExpectedRecords', NULL, 'status', 'pending')
                    FROM scorecard_runs ORDER BY rowid;
                INSERT INTO \(resourceTable) (seq, kind, id, parent_kind, parent_id, key, document)
                    SELECT id, 'record', CAST(id AS TEXT), 'run', run_id, otel_link_id,
                        json_patch('{}', json_object('runId', run_id, 'testcaseId', testcase_id, 'inputs', json(inputs),
                            'expected', json(expected), 'outputs', json(outputs), 'sessionId', session_id, 'otelLinkId', otel_link_id))
                    FROM scorecard_records ORDER BY id;
                INSERT INTO \(resourceTable) (kind, id, parent_kind, parent_id, key, document)
                    SELECT 'recordTag', 'tag-' || id, 'record', CAST(record_id AS TEXT), text,
                        json_object('recordId', CAST(record_id AS TEXT), 'text', text, 'source', source, 'userId', NULL, 'createdAt', created_at)
                    FROM scorecard_record_tags ORDER BY id;
                UPDATE \(resourceTable) SET id = CAST(seq AS TEXT) WHERE kind = 'recordTag';
                DROP TABLE scorecard_record_tags;
                DROP TABLE scorecard_records;
                DROP TABLE scorecard_runs;
                """),
        ResourceStore.rebuildMigration(name: "scorecard-v2-004-resources-rebuilt", table: resourceTable),
    ]
}
