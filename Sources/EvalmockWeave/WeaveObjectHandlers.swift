import EvalmockKit

/// Objects and ops: `obj/create`, `obj/read`, `objs/query`, `obj/delete`
/// (the trace server's `obj_*`). A version is named by its object id and the digest of its
/// value; creating the same value again adds no version.
struct WeaveObjectHandlers {
    let store: WeaveObjectStore

    func create(_ request: WeaveRequest) throws -> HTTPResponse {
        try request.checkRefs()
        let obj = request.body["obj"] ?? .null
        let projectId = obj["project_id"]?.stringValue ?? ""
        let objectId = obj["object_id"]?.stringValue ?? ""
        let val = obj["val"] ?? .null
        try WeaveObjectNames.check(objectId)
        let classes = try WeaveObjectClasses(val, builtinObjectClass: obj["builtin_object_class"]?.stringValue)
        let valText = WeaveDigest.canonicalJSON(val)
        let digest = WeaveDigest.bytes(Array(valText.utf8))
        try WeaveDigestCheck.expect(obj["expected_digest"]?.stringValue, actual: digest, label: "obj \(PythonRepr.repr(.string(objectId)))")
        let kind = try Self.kind(of: val)

        let existing = try store.versions(projectId: projectId, objectId: objectId)
        if existing.contains(where: { $0.digest == digest && $0.deletedAt == nil }) {
            try store.makeLatest(projectId: projectId, objectId: objectId, digest: digest)
        } else {
            // One type per name: live versions of the same kind with another base class refuse it.
            var others: [String?] = []
            for version in existing
            where version.kind == kind && version.deletedAt == nil
                && version.baseObjectClass != classes.base && !others.contains(version.baseObjectClass)
            {
                others.append(version.baseObjectClass)
            }
            if !others.isEmpty {
                throw WeaveTraceServerError.invalidRequest(
                    "Cannot publish \(PythonRepr.repr(.string(objectId))) as \(Self.describe(classes.base)): that name is already used by "
                        + others.map(Self.describe).joined(separator: " or ")
                        + " in this project. Object versions cannot share types, publish this object under a different name.")
            }
            try store.insertVersion(
                projectId: projectId, objectId: objectId, kind: kind, digest: digest, baseObjectClass: classes.base,
                leafObjectClass: classes.leaf, valText: valText, wbUserId: request.userId,
                createdAt: WeaveResponses.now())
        }
        return .json(200, .object(["digest": .string(digest), "object_id": .string(objectId)]))
    }

    func read(_ request: WeaveRequest) throws -> HTTPResponse {
        try request.checkRefs()
        let projectId = request.bodyString("project_id") ?? ""
        let objectId = request.bodyString("object_id") ?? ""
        let digest = request.bodyString("digest") ?? ""
        let selector = WeaveVersionSelector(digest)
        guard let found = try store.versions(projectId: projectId, objectId: objectId).first(where: selector.matches) else {
            throw WeaveTraceServerError.notFound("Obj \(objectId):\(digest) not found")
        }
        if let deletedAt = found.deletedAt {
            throw WeaveTraceServerError(
                status: 404, reason: "\(objectId):v\(found.versionIndex) was deleted at \(WeaveObjectDates.python(deletedAt))",
                extra: ["deleted_at": .string(WeaveObjectDates.python(deletedAt))])
        }
        return .json(200, .object(["obj": try found.schema(WeaveObjectVersion.Detail(request.body))]))
    }

    /// Live versions only, by creation time then version unless `sort_by` names `object_id` or
    /// `created_at` (other fields are ignored, as the server ignores them).
    func query(_ request: WeaveRequest) throws -> HTTPResponse {
        try request.checkRefs()
        let projectId = request.bodyString("project_id") ?? ""
        let filter = request.body["filter"]?.nonNull
        func strings(_ name: String) -> [String]? {
            guard let items = filter?[name]?.arrayValue, !items.isEmpty else { return nil }
            return items.compactMap(\.stringValue)
        }
        let isOp = filter?["is_op"]?.boolValue
        let objectIds = strings("object_ids")
        let latestOnly = filter?["latest_only"]?.boolValue ?? false
        let baseClasses = strings("base_object_classes")
        let excludedClasses = strings("exclude_base_object_classes")
        let leafClasses = strings("leaf_object_classes")
        var versions = try store.versions(projectId: projectId).filter { version in
            guard version.deletedAt == nil else { return false }
            if let isOp, isOp != (version.kind == "op") { return false }
            if let objectIds, !objectIds.contains(version.objectId) { return false }
            if latestOnly && !version.isLatest { return false }
            if let baseClasses, !baseClasses.contains(where: { $0 == version.baseObjectClass }) { return false }
            if let excludedClasses, excludedClasses.contains(where: { $0 == version.baseObjectClass }) { return false }
            if let leafClasses, !leafClasses.contains(where: { $0 == version.leafObjectClass }) { return false }
            return true
        }
        var terms: [(field: String, descending: Bool)] = (request.body["sort_by"]?.arrayValue ?? []).compactMap { sort in
            guard let field = sort["field"]?.stringValue, ["object_id", "created_at"].contains(field) else { return nil }
            return (field, sort["direction"]?.stringValue == "desc")
        }
        terms = terms.isEmpty ? [("created_at", false), ("version_index", false)] : terms + [("version_index", false)]
        versions = WeaveSorting.stable(
            versions,
            by: terms.map { term in
                { (a: WeaveObjectVersion, b: WeaveObjectVersion) -> Bool? in
                    let order: Bool?
                    switch term.field {
                    case "object_id": order = a.objectId == b.objectId ? nil : Self.codePointOrder(a.objectId, b.objectId)
                    case "created_at": order = a.createdAt == b.createdAt ? nil : a.createdAt < b.createdAt
                    default: order = a.versionIndex == b.versionIndex ? nil : a.versionIndex < b.versionIndex
                    }
                    return order.map { term.descending ? !$0 : $0 }
                }
            })
        versions = WeaveSorting.page(
            versions, limit: request.body["limit"]?.nonNull.flatMap(PydanticLaxCoercion.integer),
            offset: request.body["offset"]?.nonNull.flatMap(PydanticLaxCoercion.integer))
        let detail = WeaveObjectVersion.Detail(request.body)
        return .json(200, .object(["objs": .array(try versions.map { try $0.schema(detail) })]))
    }

    /// Marks versions deleted (they still answer `obj/read` with the deletion). Every digest
    /// named must be a live version (`latest` and `vN` count); at most 100 at once.
    func delete(_ request: WeaveRequest) throws -> HTTPResponse {
        try request.checkRefs()
        let projectId = request.bodyString("project_id") ?? ""
        let objectId = request.bodyString("object_id") ?? ""
        let digests = request.body["digests"]?.arrayValue?.compactMap(\.stringValue)
        if let digests, digests.count > 100 {
            throw WeaveTraceServerError.invalidRequest(
                "Object delete request contains \(digests.count) objects. Please delete 100 or fewer objects at a time.")
        }
        let live = try store.versions(projectId: projectId, objectId: objectId).filter { $0.deletedAt == nil }
        let matching: [WeaveObjectVersion]
        if let digests, !digests.isEmpty {
            let selectors = digests.map(WeaveVersionSelector.init)
            matching = live.filter { version in selectors.contains { $0.matches(version) } }
        } else {
            matching = live
        }
        let named = digests.map { PythonRepr.repr(.array($0.map(JSONValue.string))) } ?? "None"
        if matching.isEmpty { throw WeaveTraceServerError.notFound("Object \(objectId) (\(named)) not found when deleting.") }
        let found = Set(matching.map(\.digest))
        if let digests, !digests.isEmpty, Set(digests).count != found.count {
            let missing = Set(digests).subtracting(found)
            throw WeaveTraceServerError.notFound(
                "Delete request contains \(digests.count) digests, but found \(found.count) objects to delete. "
                    + "Diff digests: \(Self.pythonSet(missing))")
        }
        try store.markDeleted(projectId: projectId, objectId: objectId, digests: found, at: WeaveResponses.now())
        return .json(200, .object(["num_deleted": .int(matching.count)]))
    }

    /// `_get_kind`: an op is a value whose type is `Op` (`weave_type.type` of a custom type,
    /// else `_type`); everything else is an object.
    static func kind(of val: JSONValue) throws(WeaveTraceServerError) -> String {
        guard case .object(let object) = val, let type = object["_type"] else { return "object" }
        if let weaveType = object["weave_type"] {
            // `val["weave_type"]["type"]`: a missing key is a KeyError, another shape a TypeError.
            guard case .object(let inner) = weaveType else { throw .unregistered }
            guard let innerType = inner["type"] else { throw .internalBackend }
            return innerType == .string("Op") ? "op" : "object"
        }
        return type == .string("Op") ? "op" : "object"
    }

    private static func describe(_ baseObjectClass: String?) -> String {
        baseObjectClass.map { "a \($0)" } ?? "a generic (untyped) object"
    }

    static func codePointOrder(_ a: String, _ b: String) -> Bool {
        a.unicodeScalars.lazy.map(\.value).lexicographicallyPrecedes(b.unicodeScalars.lazy.map(\.value))
    }

    /// A Python `set` of strings as `str()` prints it (its order is the hash's, so any order is
    /// one the server could print; sorted here to be stable).
    static func pythonSet(_ items: Set<String>) -> String {
        items.isEmpty ? "set()" : "{" + items.sorted().map { PythonRepr.repr(.string($0)) }.joined(separator: ", ") + "}"
    }
}

/// How `obj/read` and `obj/delete` name a version: `latest`, `vN` (`digest_is_version_like`),
/// or its digest.
struct WeaveVersionSelector {
    let text: String

    init(_ text: String) { self.text = text }

    func matches(_ version: WeaveObjectVersion) -> Bool {
        if text == "latest" { return version.isLatest }
        if text.hasPrefix("v"), let index = WeaveRefs.pythonInt(String(text.dropFirst())) { return version.versionIndex == index }
        return version.digest == text
    }
}

/// `object_id_validator`: word characters, `.`, `_` and `-` only, not empty (an
/// `InvalidFieldError`, 422), at most 128 characters (a `CHValidationError`, 400).
enum WeaveObjectNames {
    static func check(_ name: String) throws(WeaveTraceServerError) {
        var invalid: [String] = []
        for scalar in name.unicodeScalars where !isAllowed(scalar) && !invalid.contains(String(scalar)) {
            invalid.append(String(scalar))
        }
        if !invalid.isEmpty {
            throw WeaveTraceServerError(
                status: 422,
                reason: "Invalid object name: \(name). Contains invalid characters: "
                    + "\(PythonRepr.repr(.array(invalid.map(JSONValue.string)))). Please upgrade your `weave` package to `>0.51.0` to prevent this error."
            )
        }
        if name.isEmpty { throw WeaveTraceServerError(status: 422, reason: "Object name cannot be empty") }
        if name.unicodeScalars.count > 128 { throw .invalidRequest("String too long: \(name). Max length is 128") }
    }

    /// Python's `\w` (letters, digits and other numbers, the underscore), `.` and `-`.
    private static func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
        if scalar == "." || scalar == "-" || scalar == "_" { return true }
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
            .decimalNumber, .letterNumber, .otherNumber:
            return true
        default:
            return false
        }
    }
}

/// `process_incoming_object_val`: the classes of a `weave.Object` or `BaseObject` value (its
/// `_bases` end in `Object` or `BaseObject`, then `BaseModel`), which `objs/query` filters on.
struct WeaveObjectClasses {
    let base: String?
    let leaf: String?

    init(_ val: JSONValue, builtinObjectClass: String?) throws(WeaveTraceServerError) {
        guard case .object(let object) = val else {
            if builtinObjectClass != nil { throw .invalidRequest("object_class cannot be provided for non-dict objects") }
            base = nil
            leaf = nil
            return
        }
        if case .array(let bases)? = object["_bases"], bases.count >= 2, bases[bases.count - 1] == .string("BaseModel"),
            let parent = bases[bases.count - 2].stringValue, ["BaseObject", "Object"].contains(parent)
        {
            // `val["_class_name"]`: a KeyError when missing; the classes must be strings to be stored.
            guard let className = object["_class_name"] else { throw .internalBackend }
            guard let leaf = className.stringValue else { throw .unregistered }
            let base = bases.count > 2 ? bases[bases.count - 3].stringValue : leaf
            guard let base else { throw .unregistered }
            if let builtinObjectClass, builtinObjectClass != leaf {
                throw .invalidRequest("object_class must match val's defined object class: \(leaf) != \(builtinObjectClass)")
            }
            self.base = base
            self.leaf = leaf
            return
        }
        if let builtinObjectClass {
            // The server validates the value with the builtin class's pydantic model and stores
            // its dump; evalmock has not those models.
            guard Self.builtinClasses.contains(builtinObjectClass) else {
                throw .invalidRequest("Unknown object class: \(builtinObjectClass)")
            }
            throw WeaveTraceServerError(status: 501, reason: "evalmock does not emulate creating a \(builtinObjectClass) from its fields")
        }
        base = nil
        leaf = nil
    }

    /// `BUILTIN_OBJECT_REGISTRY` of weave 0.54.0.
    static let builtinClasses: Set<String> = [
        "AgentDashboard", "AlertSpec", "AnnotationSpec", "ChartConfig", "ComparisonView", "LLMStructuredCompletionModel", "Leaderboard",
        "Provider", "ProviderModel", "SavedView", "TestOnlyExample", "TestOnlyInheritedBaseObject", "TestOnlyNestedBaseObject",
    ]
}

/// `validate_expected_digest`: a client digest that differs from the server's is a
/// `DigestMismatchError`, 409.
enum WeaveDigestCheck {
    static func expect(_ expected: String?, actual: String, label: String) throws(WeaveTraceServerError) {
        guard let expected, expected != actual else { return }
        throw WeaveTraceServerError(status: 409, reason: "Client \(label) digest \(expected) != server digest \(actual)")
    }
}

/// Stored times are pydantic's (`2026-01-02T03:04:05.678000Z`); the server prints a deletion
/// time with Python's `isoformat()` (`2026-01-02T03:04:05.678000+00:00`).
enum WeaveObjectDates {
    static func python(_ time: String) -> String {
        time.hasSuffix("Z") ? String(time.dropLast()) + "+00:00" : time
    }
}

/// Sorting and paging over values in memory, as the server's in-memory paths do them.
enum WeaveSorting {
    /// A stable sort by several terms; a term answers nil for a tie, deferring to the next.
    static func stable<T>(_ items: [T], by terms: [(T, T) -> Bool?]) -> [T] {
        items.enumerated().sorted { a, b in
            for term in terms { if let order = term(a.element, b.element) { return order } }
            return a.offset < b.offset
        }.map(\.element)
    }

    /// Python's slicing by `offset` and `limit`; a negative limit is no limit.
    static func page<T>(_ items: [T], limit: Int?, offset: Int?) -> [T] {
        let start = min(max(offset ?? 0, 0), items.count)
        var slice = Array(items[start...])
        if let limit, limit >= 0 { slice = Array(slice.prefix(limit)) }
        return slice
    }
}
