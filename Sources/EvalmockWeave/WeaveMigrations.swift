import EvalmockKit

/// Weave keeps every call in one trace table: the client's own (`calls/complete`, `call/start`,
/// `call/end`, `call/upsert_batch`) and the evaluation runs, predictions and scores of the v2
/// routes with the helper calls the server adds around them (`predict_and_score`,
/// `summarize`), so that deleting a run removes its descendants and counts them as the server
/// does. Feedback is its own table, pointing at calls by their `weave:///…/call/<id>` ref.
/// Beside them: the object, table and file store (`weave-002-objects`) and W&B's projects
/// (`weave-004-projects`).
enum WeaveMigrations {
    static let all = [
        Migration(
            name: "weave-001-calls",
            sql: """
                CREATE TABLE weave_calls (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    project_id TEXT NOT NULL,
                    id TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    trace_id TEXT NOT NULL,
                    parent_id TEXT,
                    evaluation_run_id TEXT,
                    evaluation TEXT,
                    model TEXT,
                    scorer TEXT,
                    prediction_id TEXT,
                    source_evaluation_run_id TEXT,
                    inputs TEXT,
                    output TEXT,
                    summary TEXT,
                    wb_user_id TEXT,
                    started_at TEXT NOT NULL,
                    ended_at TEXT,
                    UNIQUE (project_id, id)
                );
                CREATE INDEX weave_calls_by_kind ON weave_calls(project_id, kind, seq);
                CREATE INDEX weave_calls_by_parent ON weave_calls(project_id, parent_id);
                """),
        // The object, table and file store, keyed as the trace server keys it: object versions
        // by (project, kind, name, digest); rows by (project, row digest), shared by every table
        // that holds them; a table by (project, digest) with its ordered row digests (a JSON
        // array); files by (project, digest), their bytes as base64 so that export and import
        // carry them as text. `val` holds the JSON the digest was computed over.
        Migration(
            name: "weave-002-objects",
            sql: """
                CREATE TABLE weave_objects (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    project_id TEXT NOT NULL,
                    object_id TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    digest TEXT NOT NULL,
                    base_object_class TEXT,
                    leaf_object_class TEXT,
                    val TEXT NOT NULL,
                    version_index INTEGER NOT NULL,
                    is_latest INTEGER NOT NULL,
                    wb_user_id TEXT,
                    created_at TEXT NOT NULL,
                    deleted_at TEXT,
                    UNIQUE (project_id, kind, object_id, digest)
                );
                CREATE INDEX weave_objects_by_name ON weave_objects(project_id, object_id);
                CREATE TABLE weave_table_rows (
                    project_id TEXT NOT NULL,
                    digest TEXT NOT NULL,
                    val TEXT NOT NULL,
                    PRIMARY KEY (project_id, digest)
                );
                CREATE TABLE weave_tables (
                    project_id TEXT NOT NULL,
                    digest TEXT NOT NULL,
                    row_digests TEXT NOT NULL,
                    PRIMARY KEY (project_id, digest)
                );
                CREATE TABLE weave_files (
                    project_id TEXT NOT NULL,
                    digest TEXT NOT NULL,
                    name TEXT,
                    content_base64 TEXT NOT NULL,
                    PRIMARY KEY (project_id, digest)
                );
                """),
        // The trace server's general call record. Times are microseconds since the epoch
        // (whole milliseconds, as ClickHouse keeps them), so that they sort as times; JSON
        // columns hold the value as sent. A row may hold only an end so far (started_at NULL).
        // Rows of weave-001 become the calls the server writes for the v2 routes: plain op
        // names, the `attributes.weave` markers, a prediction's inputs under `inputs.inputs`, and
        // a score's runnable feedback on its prediction.
        Migration(
            name: "weave-003-calls",
            sql: """
                CREATE TABLE weave_calls_merged (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    project_id TEXT NOT NULL,
                    id TEXT NOT NULL,
                    trace_id TEXT,
                    parent_id TEXT,
                    thread_id TEXT,
                    turn_id TEXT,
                    op_name TEXT,
                    display_name TEXT,
                    started_at INTEGER,
                    ended_at INTEGER,
                    exception TEXT,
                    attributes TEXT,
                    inputs TEXT,
                    output TEXT,
                    summary TEXT,
                    wb_user_id TEXT,
                    wb_run_id TEXT,
                    wb_run_step INTEGER,
                    wb_run_step_end INTEGER,
                    UNIQUE (project_id, id)
                );
                CREATE TABLE weave_feedback (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    project_id TEXT NOT NULL,
                    id TEXT NOT NULL,
                    weave_ref TEXT NOT NULL,
                    wb_user_id TEXT NOT NULL,
                    creator TEXT,
                    created_at INTEGER NOT NULL,
                    feedback_type TEXT NOT NULL,
                    payload TEXT NOT NULL,
                    annotation_ref TEXT,
                    runnable_ref TEXT,
                    call_ref TEXT,
                    trigger_ref TEXT,
                    UNIQUE (project_id, id)
                );
                CREATE INDEX weave_feedback_by_ref ON weave_feedback(project_id, weave_ref);
                INSERT INTO weave_calls_merged (seq, project_id, id, trace_id, parent_id, op_name, started_at, ended_at,
                    attributes, inputs, output, summary, wb_user_id)
                SELECT o.seq, o.project_id, o.id, o.trace_id, o.parent_id,
                    CASE o.kind
                        WHEN 'evaluation_run' THEN 'Evaluation.evaluate'
                        WHEN 'predict_and_score' THEN 'Evaluation.predict_and_score'
                        WHEN 'summarize' THEN 'Evaluation.summarize'
                        WHEN 'prediction' THEN \(refName("o.model", otherwise: "Model")) || '.predict'
                        ELSE \(refName("o.scorer", otherwise: "Scorer")) || '.score'
                    END,
                    CAST(round((julianday(o.started_at) - 2440587.5) * 86400000) AS INTEGER) * 1000,
                    CAST(round((julianday(o.ended_at) - 2440587.5) * 86400000) AS INTEGER) * 1000,
                    CASE o.kind
                        WHEN 'evaluation_run' THEN json_object('weave', json_patch(
                            json_object('evaluation_run', 'true', 'evaluation', o.evaluation, 'model', o.model),
                            CASE WHEN o.source_evaluation_run_id IS NULL THEN '{}'
                                 ELSE json_object('source_evaluation_run_id', o.source_evaluation_run_id) END))
                        WHEN 'predict_and_score' THEN json_object('weave', json_object('predict_call_id',
                            (SELECT c.id FROM weave_calls c WHERE c.project_id = o.project_id AND c.parent_id = o.id AND c.kind = 'prediction')))
                        WHEN 'prediction' THEN json_object('weave', json_patch(
                            json_object('prediction', 'true', 'model', o.model),
                            CASE WHEN o.evaluation_run_id IS NULL THEN '{}' ELSE json_object('evaluation_run_id', o.evaluation_run_id) END))
                        WHEN 'score' THEN json_object('weave', json_patch(
                            json_object('score', 'true', 'prediction_id', o.prediction_id, 'scorer', o.scorer),
                            CASE WHEN o.evaluation_run_id IS NULL THEN '{}' ELSE json_object('evaluation_run_id', o.evaluation_run_id) END))
                        ELSE '{}'
                    END,
                    CASE o.kind WHEN 'prediction' THEN json_object('self', o.model, 'inputs', json(COALESCE(o.inputs, '{}')))
                        ELSE COALESCE(o.inputs, '{}') END,
                    CASE WHEN o.ended_at IS NULL THEN NULL ELSE COALESCE(o.output, 'null') END,
                    CASE WHEN o.ended_at IS NULL THEN o.summary ELSE COALESCE(o.summary, '{}') END,
                    o.wb_user_id
                FROM weave_calls o;
                INSERT INTO weave_feedback (project_id, id, weave_ref, wb_user_id, created_at, feedback_type, payload, runnable_ref)
                SELECT project_id,
                    lower(substr(h, 1, 8) || '-' || substr(h, 9, 4) || '-4' || substr(h, 14, 3) || '-a' || substr(h, 18, 3) || '-' || substr(h, 21, 12)),
                    'weave:///' || project_id || '/call/' || prediction_id, COALESCE(wb_user_id, 'unknown'),
                    CAST(round((julianday(started_at) - 2440587.5) * 86400000) AS INTEGER) * 1000,
                    'wandb.runnable.' || \(refName("scorer", otherwise: "Scorer")),
                    json_object('output', json(COALESCE(output, 'null'))), scorer
                FROM (SELECT *, hex(randomblob(16)) AS h FROM weave_calls WHERE kind = 'score' AND prediction_id <> '');
                DROP TABLE weave_calls;
                ALTER TABLE weave_calls_merged RENAME TO weave_calls;
                CREATE INDEX weave_calls_by_start ON weave_calls(project_id, started_at, id);
                CREATE INDEX weave_calls_by_parent ON weave_calls(project_id, parent_id);
                """),
        // W&B's projects, as its GraphQL API (`UpsertModel`) creates them before `weave.init`
        // writes anything: the registry the trace server's data lives under, kept apart from it.
        Migration(
            name: "weave-004-projects",
            sql: """
                CREATE TABLE weave_projects (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    project_id TEXT NOT NULL UNIQUE,
                    entity TEXT NOT NULL,
                    name TEXT NOT NULL,
                    description TEXT,
                    created_at TEXT NOT NULL
                );
                """),
    ]

    /// SQL for the object name of a `weave:///entity/project/kind/name:digest…` ref held in
    /// `column`, or `fallback` when it is not one: the name the server gives the op it files a
    /// v2 prediction or score under (`<model>.predict`, `<scorer>.score`).
    private static func refName(_ column: String, otherwise fallback: String) -> String {
        // Drop `weave:///` and three path segments, then cut at the first `:`.
        var tail = "substr(\(column), 10)"
        for _ in 0..<3 { tail = "substr(\(tail), instr(\(tail), '/') + 1)" }
        return """
            (CASE WHEN \(column) LIKE 'weave:///%/%/%/%:%' AND instr(\(tail), ':') > 1
                THEN substr(\(tail), 1, instr(\(tail), ':') - 1) ELSE '\(fallback)' END)
            """
    }
}
