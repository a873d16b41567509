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
    ]
}
