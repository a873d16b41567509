/// Scale GP tables.
///
/// A test case result is kept as the JSON object evalmock answers with (`document`), in the
/// client's key order and number text, next to the columns that are queried. `seq` orders
/// results by creation; the public `id` is a UUID, as the service's are.
enum ScaleGPMigrations {
    static let all = [
        Migration(name: "scale-gp-001-evaluations-test-case-results", sql: """
            CREATE TABLE scale_gp_evaluations (
                id TEXT PRIMARY KEY,
                evaluation_dataset_id TEXT NOT NULL,
                created_at TEXT NOT NULL
            );
            CREATE TABLE scale_gp_test_case_results (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                id TEXT NOT NULL UNIQUE,
                evaluation_id TEXT NOT NULL REFERENCES scale_gp_evaluations(id),
                account_id TEXT NOT NULL,
                document TEXT NOT NULL
            );
            CREATE INDEX scale_gp_test_case_results_by_evaluation ON scale_gp_test_case_results(evaluation_id, seq);
            """),
        // Versions of each result for the history endpoints: `num` 1 is the result as created,
        // each PATCH adds the next. `num` is text because the path parameter is a string; in
        // --lenient mode a version first read under a made-up `num` is kept under that name.
        // Results stored before this migration get their current state as version 1.
        Migration(name: "scale-gp-002-test-case-result-versions", sql: """
            CREATE TABLE scale_gp_test_case_result_versions (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                result_id TEXT NOT NULL REFERENCES scale_gp_test_case_results(id),
                evaluation_id TEXT NOT NULL,
                account_id TEXT NOT NULL,
                num TEXT NOT NULL,
                document TEXT NOT NULL,
                UNIQUE (result_id, num)
            );
            CREATE INDEX scale_gp_test_case_result_versions_by_evaluation ON scale_gp_test_case_result_versions(evaluation_id, num, seq);
            INSERT INTO scale_gp_test_case_result_versions (result_id, evaluation_id, account_id, num, document)
                SELECT id, evaluation_id, account_id, '1', document FROM scale_gp_test_case_results ORDER BY seq;
            """),
    ]
}
