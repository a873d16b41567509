import EvalmockKit

/// Scorecard v1 tables. Ids are integers from AUTOINCREMENT, as the service's are; fixtures
/// insert their own ids, and AUTOINCREMENT continues above the largest one.
///
/// Integer fields are INTEGER columns, text fields TEXT, and the JSON members (`model_params`,
/// `custom_inputs`, …) JSON text exactly as received, so key order and number text survive.
enum ScorecardV1Migrations {
    static let all = [
        Migration(
            name: "scorecard-v1-001-runs-testrecords",
            sql: """
                CREATE TABLE scorecard_v1_runs (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    created_at TEXT,
                    updated_at TEXT,
                    execution_start_time TEXT,
                    execution_end_time TEXT,
                    testset_id INTEGER,
                    status TEXT,
                    limit_testcases INTEGER,
                    source TEXT,
                    model_params TEXT,
                    notes TEXT,
                    scoring_config_id INTEGER,
                    prompt_template TEXT,
                    scoring_start_time TEXT,
                    scoring_end_time TEXT,
                    metrics TEXT
                );
                CREATE TABLE scorecard_v1_testrecords (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    created_at TEXT,
                    run_id INTEGER NOT NULL REFERENCES scorecard_v1_runs(id) ON DELETE CASCADE,
                    testset_id INTEGER,
                    testcase_id INTEGER,
                    user_query TEXT,
                    context TEXT,
                    model_response TEXT,
                    ideal TEXT,
                    custom_inputs TEXT,
                    custom_labels TEXT,
                    custom_outputs TEXT,
                    status TEXT,
                    prompt TEXT,
                    model_params TEXT,
                    model_debug_info TEXT,
                    error_message TEXT
                );
                CREATE INDEX scorecard_v1_testrecords_by_run ON scorecard_v1_testrecords(run_id, id);
                """)
    ]
}
