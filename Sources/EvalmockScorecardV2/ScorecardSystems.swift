import EvalmockKit
import Foundation

/// Systems and their versions.
///
/// Rules beyond storing what was sent (where the document is silent, the choice is marked):
/// - `upsertSystem` finds the system by name in the project ("If one with the same name in the
///   project exists, it updates it instead"; the name defaults to "Default system"). Its
///   `config` is upserted as a version of the system, as `upsertSystemVersion` does, and that
///   version becomes the production version, of a new system and of an updated one alike
///   (chosen: the document's example answers the posted config as `productionVersion`).
///   A `description` sent replaces the stored one. Created or updated, the answer is the
///   document's 201.
/// - A version's identity is its system and its config ("If there is already a system version
///   with the same config, its name will be updated"): configs are equal when they are equal
///   JSON values, whatever their key order or number spelling (`1`, `1.0`). A new version
///   without a name is named "Version N", N one more than the system's versions (chosen).
///   Upserting a version leaves the production version as it is; its answer is 200.
/// - Versions are not children of their system in the store: "Deleting a system will not delete
///   associated system versions", so they outlive it, found by id, carrying `systemId`.
/// - `updateSystem` changes only what it is sent; a new `name` must not be another system's in
///   the project, and `productionVersionId` must name a version of this system (400s).
/// - A System is answered with its production version whole and `versions: [{id, name}]` in
///   creation order; systems list oldest first ("ordered by creation date").
enum ScorecardSystems {
    static func declare(_ resources: ResourceCollection) throws -> [String: OperationHandler] {
        let system = ResourceKind(
            name: "system", label: "System", schema: "System", idParameter: "systemId", ids: .uuid,
            parent: .init(kind: "project", parameter: "projectId"),
            operations: .init(list: "listSystems", get: "getSystem", update: "updateSystem", delete: "deleteSystem"),
            hooks: ResourceHooks(willUpdate: checkUpdate, render: renderSystem))
        let version = ResourceKind(
            name: "systemVersion", label: "System version", schema: "SystemVersion", idParameter: "systemVersionId", ids: .uuid,
            operations: .init(get: "getSystemVersion"))
        try resources.declare(system)
        try resources.declare(version)
        return [
            "upsertSystem": { try upsertSystem(resources, system, $0) },
            "upsertSystemVersion": { try upsertSystemVersion(resources, $0) },
        ]
    }

    // MARK: - Systems

    private static func upsertSystem(_ resources: ResourceCollection, _ kind: ResourceKind, _ context: OperationContext) throws
        -> HTTPResponse
    {
        let projectId = context.pathParameter("projectId")
        let system = try resources.store.database.transaction { () throws -> ResourceStore.Stored in
            _ = try resources.resolve("project", id: projectId)
            let name = context.body["name"]?.stringValue ?? "Default system"
            var system: ResourceStore.Stored
            if let existing = try systemNamed(name, in: projectId, resources) {
                system = existing
                if let description = context.body["description"] { system.document["description"] = description }
            } else {
                let draft = resources.draft(
                    context, of: kind, document: ["name": .string(name), "description": context.body["description"] ?? ""])
                system = try resources.insert(draft, as: kind)
            }
            let production = try upsertVersion(of: system.id, config: context.body["config"] ?? .object([:]), name: nil, resources)
            system.document["productionVersionId"] = .string(production.id)
            try resources.store.update(system)
            return system
        }
        return .json(201, .object(try resources.render(system)))
    }

    private static func systemNamed(_ name: String, in projectId: String, _ resources: ResourceCollection) throws -> ResourceStore.Stored? {
        try resources.store.matching(kind: "system", member: "name", value: name).first { $0.parentId == projectId }
    }

    private static func checkUpdate(_ draft: inout ResourceDraft) throws {
        let resources = draft.collection
        let body = draft.context.body
        var issues: [ValidationIssue] = []
        if let name = body["name"]?.stringValue, let projectId = draft.parentId,
            let other = try systemNamed(name, in: projectId, resources), other.id != draft.id
        {
            issues.append(
                ValidationIssue(
                    location: [.key("body"), .key("name")],
                    kind: .brokenRule("is the name of system \(other.id) in the project"), input: .string(name)))
        }
        if let versionId = body["productionVersionId"]?.stringValue {
            let version = try resources.resolve("systemVersion", id: versionId)
            let owner = version.document["systemId"]?.stringValue ?? ""
            // A placeholder version (`--lenient`) belongs to whichever system names it.
            if owner != draft.id && !resources.lenient {
                issues.append(
                    ValidationIssue(
                        location: [.key("body"), .key("productionVersionId")],
                        kind: .brokenRule("is a version of system \(owner), not of this system"), input: .string(versionId)))
            }
        }
        if !issues.isEmpty { throw OperationError.invalid(issues) }
    }

    /// The production version whole and the list of versions, in the schema's member order.
    private static func renderSystem(_ object: inout JSONValue.JSONObject, _ stored: ResourceStore.Stored, _ resources: ResourceCollection)
        throws
    {
        if let productionId = object["productionVersionId"]?.stringValue,
            let production = try resources.store.find(kind: "systemVersion", id: productionId)
        {
            object["productionVersion"] = .object(try resources.render(production))
        }
        object["productionVersionId"] = nil
        object["versions"] = .array(
            try versions(of: stored.id, resources).map { version in
                .object(["id": .string(version.id), "name": version.document["name"] ?? ""])
            })
        var ordered = JSONValue.JSONObject()
        for name in ["id", "name", "description", "productionVersion", "versions"] { ordered[name] = object[name] }
        for (name, value) in object where ordered[name] == nil { ordered[name] = value }
        object = ordered
    }

    // MARK: - Versions

    private static func upsertSystemVersion(_ resources: ResourceCollection, _ context: OperationContext) throws -> HTTPResponse {
        let version = try resources.store.database.transaction { () throws -> ResourceStore.Stored in
            let system = try resources.resolve("system", id: context.pathParameter("systemId"))
            return try upsertVersion(
                of: system.id, config: context.body["config"] ?? .object([:]),
                name: context.body["name"]?.stringValue, resources)
        }
        return .json(200, .object(try resources.render(version)))
    }

    /// The system's version with this config, renamed if a name is given, else a new one.
    private static func upsertVersion(of systemId: String, config: JSONValue, name: String?, _ resources: ResourceCollection) throws
        -> ResourceStore.Stored
    {
        let key = systemId + " " + canonical(config)
        if var existing = try resources.store.find(kind: "systemVersion", parentId: nil, key: key) {
            if let name, existing.document["name"]?.stringValue != name {
                existing.document["name"] = .string(name)
                try resources.store.update(existing)
            }
            return existing
        }
        let taken = Set(try versions(of: systemId, resources).compactMap { $0.document["name"]?.stringValue })
        var number = taken.count + 1
        while taken.contains("Version \(number)") { number += 1 }
        return try resources.store.insert(
            kind: "systemVersion", id: UUID().uuidString.lowercased(), parent: nil, key: key,
            document: [
                "systemId": .string(systemId), "name": .string(name ?? "Version \(number)"), "config": config,
            ])
    }

    private static func versions(of systemId: String, _ resources: ResourceCollection) throws -> [ResourceStore.Stored] {
        try resources.store.matching(kind: "systemVersion", member: "systemId", value: systemId)
    }

    /// One text per JSON value: object keys sorted, numbers by value.
    static func canonical(_ value: JSONValue) -> String {
        switch value {
        case .object(let object):
            return "{"
                + object.keys.sorted().map { JSONWriter.encodeString(.string($0)) + ":" + canonical(object[$0]!) }.joined(separator: ",")
                + "}"
        case .array(let items):
            return "[" + items.map(canonical).joined(separator: ",") + "]"
        case .number(let number):
            return JSONNumber(number.doubleValue).lexeme
        default:
            return JSONWriter.encodeString(value)
        }
    }
}
