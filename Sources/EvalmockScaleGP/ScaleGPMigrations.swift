import EvalmockKit

/// Scale GP tables.
///
/// A test case result is kept as the JSON object evalmock answers with (`document`), in the
/// client's key order and number text, next to the columns that are queried. `seq` orders
/// results by creation; the public `id` is a UUID, as the service's are.
enum ScaleGPMigrations {
    static let all = [
        Migration(
            name: "scale-gp-001-evaluations-test-case-results",
            sql: """
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
        // The history endpoints. A result's current state is version `version` (1 as created,
        // each PATCH adds one) and stays in `scale_gp_test_case_results`; the versions it
        // replaced are kept here, so creating results costs nothing extra. `num` is text because
        // the path parameter is a string: in --lenient mode a version first read under a made-up
        // `num` is kept under that name. Results stored before this migration are at version 1.
        Migration(
            name: "scale-gp-002-test-case-result-versions",
            sql: """
                ALTER TABLE scale_gp_test_case_results ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
                CREATE TABLE scale_gp_test_case_result_versions (
                    result_id TEXT NOT NULL REFERENCES scale_gp_test_case_results(id),
                    evaluation_id TEXT NOT NULL,
                    account_id TEXT NOT NULL,
                    num TEXT NOT NULL,
                    document TEXT NOT NULL,
                    PRIMARY KEY (result_id, num)
                );
                CREATE INDEX scale_gp_test_case_result_versions_by_evaluation ON scale_gp_test_case_result_versions(evaluation_id, num);
                """),
        // The v4 resources around an evaluation (`ScaleGPResources`), in the resource layer's table.
        ResourceStore.migration(name: "scale-gp-003-resources", table: ScaleGPResources.table),
        ResourceStore.rebuildMigration(name: "scale-gp-004-resources-rebuilt", table: ScaleGPResources.table),
    ]
}
