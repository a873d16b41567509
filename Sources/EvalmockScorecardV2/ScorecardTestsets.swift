import EvalmockKit

/// Testsets and their Testcases.
///
/// Rules beyond storing what was sent (the document's where it states them, else chosen):
/// - A Testset's `fieldMapping` is answered completed: every top-level field of its
///   `jsonSchema` that is neither an input nor expected is metadata (the document's examples).
///   An update that brings a `jsonSchema` without a `fieldMapping` drops mapped fields the new
///   schema no longer declares (the document). A schema that declares no readable
///   `properties` leaves the mapping as sent.
/// - A Testcase's `inputs` and `expected` are the mapped fields present in its `jsonData`; its
///   `jsonData` is checked against the Testset's schema and problems are reported in
///   `validationErrors` (absent when there are none), never refused (`ScorecardTestsetSchema`).
/// - Chosen: updating a Testset's `jsonSchema` or `fieldMapping` re-derives and re-checks every
///   Testcase it holds, so a Testcase always reads as its Testset describes it now.
/// - Chosen: deleting a Testset deletes its Testcases; Runs made from it keep their `testsetId`.
/// - Chosen: bulk delete is all or nothing: an id that is not a Testcase is a 404 naming the
///   first such id, and nothing is deleted (`--lenient`: unknown ids are skipped).
/// - Lists are in creation order (the document states none), paged by cursor, 20 by default.
enum ScorecardTestsets {
    static func declare(_ resources: ResourceCollection) throws -> [String: OperationHandler] {
        try resources.declare(
            ResourceKind(
                name: "testset", label: "Testset", schema: "Testset", idParameter: "testsetId", ids: .sequence,
                parent: .init(kind: "project", parameter: "projectId"),
                operations: .init(
                    create: "createTestset", list: "listTestsets", get: "getTestset", update: "updateTestset", delete: "deleteTestset"),
                hooks: ResourceHooks(willCreate: { draft in completeMapping(&draft, pruning: false) }, willUpdate: updateTestset)))
        try resources.declare(
            ResourceKind(
                name: "testcase", label: "Testcase", schema: "Testcase", idParameter: "testcaseId", ids: .sequence,
                parent: .init(kind: "testset", parameter: "testsetId", member: "testsetId"),
                operations: .init(list: "listTestcases", get: "getTestcase")))
        return [
            "createTestcases": { try createTestcases(resources, $0) },
            "updateTestcase": { try updateTestcase(resources, $0) },
            "deleteTestcases": { try deleteTestcases(resources, $0) },
        ]
    }

    // MARK: - Testsets

    private static func completeMapping(_ draft: inout ResourceDraft, pruning: Bool) {
        let fields = ScorecardTestsetSchema(draft.document["jsonSchema"]).fields
        draft.document["fieldMapping"] =
            ScorecardFieldMapping(draft.document["fieldMapping"]).completed(for: fields, pruning: pruning).jsonValue
    }

    private static func updateTestset(_ draft: inout ResourceDraft) throws {
        let schemaSent = draft.context.body["jsonSchema"] != nil
        let mappingSent = draft.context.body["fieldMapping"] != nil
        guard schemaSent || mappingSent, let id = draft.id else { return }
        completeMapping(&draft, pruning: schemaSent && !mappingSent)
        let derivation = TestcaseDerivation(testset: draft.document)
        let resources = draft.collection
        let kind = resources.kind("testcase")
        for var testcase in try resources.store.children(kind: kind.name, parentKind: "testset", parentId: id) {
            let data = testcase.document["jsonData"]?.objectValue ?? [:]
            testcase.document = resources.ordered(derivation.testcase(data, testsetId: id), as: kind)
            try resources.store.update(testcase)
        }
    }

    // MARK: - Testcases

    /// What a Testcase is made of: its data, and what its Testset's schema and mapping make of it.
    struct TestcaseDerivation {
        let schema: ScorecardTestsetSchema
        let mapping: ScorecardFieldMapping

        init(testset: JSONValue.JSONObject) {
            schema = ScorecardTestsetSchema(testset["jsonSchema"])
            mapping = ScorecardFieldMapping(testset["fieldMapping"])
        }

        func testcase(_ data: JSONValue.JSONObject, testsetId: String) -> JSONValue.JSONObject {
            var testcase: JSONValue.JSONObject = [
                "testsetId": .string(testsetId), "jsonData": .object(data),
                "inputs": mapping.pick(mapping.inputs, from: data), "expected": mapping.pick(mapping.expected, from: data),
            ]
            let errors = schema.validationErrors(data)
            if !errors.isEmpty { testcase["validationErrors"] = .array(errors) }
            return testcase
        }
    }

    /// 1 to 100 Testcases in one request (the document bounds `items`), stored together.
    private static func createTestcases(_ resources: ResourceCollection, _ context: OperationContext) throws -> HTTPResponse {
        let kind = resources.kind("testcase")
        let created = try resources.store.database.transaction { () throws -> [ResourceStore.Stored] in
            let testset = try resources.resolve("testset", id: context.pathParameter("testsetId"))
            let derivation = TestcaseDerivation(testset: testset.document)
            return try (context.body["items"]?.arrayValue ?? []).map { item in
                let document = derivation.testcase(item["jsonData"]?.objectValue ?? [:], testsetId: testset.id)
                return try resources.insert(resources.draft(context, of: kind, document: document), as: kind)
            }
        }
        return .json(
            context.operation.successStatus,
            .object(["items": .array(try created.map { .object(try resources.render($0)) })]))
    }

    /// PUT: the new `jsonData` replaces the old, and `inputs`, `expected` and `validationErrors`
    /// are derived from it again.
    private static func updateTestcase(_ resources: ResourceCollection, _ context: OperationContext) throws -> HTTPResponse {
        let kind = resources.kind("testcase")
        let updated = try resources.store.database.transaction { () throws -> ResourceStore.Stored in
            var testcase = try resources.resolve("testcase", id: context.pathParameter("testcaseId"))
            // A `--lenient` placeholder has no stored Testset: nothing is mapped or checked.
            let testset = try testcase.parentId.flatMap { try resources.store.find(kind: "testset", id: $0) }
            let testsetId = testset?.id ?? testcase.document["testsetId"]?.stringValue ?? ""
            let document = TestcaseDerivation(testset: testset?.document ?? [:])
                .testcase(context.body["jsonData"]?.objectValue ?? [:], testsetId: testsetId)
            testcase.document = resources.ordered(document, as: kind)
            try resources.store.update(testcase)
            return testcase
        }
        return .json(200, .object(try resources.render(updated)))
    }

    private static func deleteTestcases(_ resources: ResourceCollection, _ context: OperationContext) throws -> HTTPResponse {
        let ids = context.body["ids"]?.arrayValue?.compactMap(\.stringValue) ?? []
        let store = resources.store
        try store.database.transaction {
            if !resources.lenient, let unknown = try ids.first(where: { try !store.exists(kind: "testcase", id: $0) }) {
                throw OperationError.notFound(resource: resources.kind("testcase").label, id: unknown)
            }
            for id in ids { try store.delete(kind: "testcase", id: id) }
        }
        return .json(200, .object(["success": .bool(true)]))
    }
}
