import EvalmockKit
import Foundation

/// The slice of W&B's GraphQL API (`POST /graphql`, beside the trace server) that `weave.init`
/// asks, read from weave 0.54.0 (`compat/wandb/wandb_thin/internal_api.py`,
/// `wandb_interface/project_creator.py`): `project(name, entityName)` to see whether the project
/// exists, `upsertModel(input)` to create it when it does not, and `viewer` for the user name
/// and default entity. The client names no `operationName`, so the request is recognised by
/// parsing it (`GraphQLDocument`), not by its text.
///
/// A project exists once `upsertModel` has created it; trace data written without it (the v2
/// evaluation routes take any `entity/project`) does not make one, as W&B keeps its project
/// registry apart from the trace server's tables. `project` then answers null and the client
/// creates it, which is the path a first `weave.init` takes against W&B too.
struct WandbGraphQL {
    let projects: WeaveProjectStore

    /// The answer to one request body (`{query, variables, operationName}`), for the user the
    /// credential names. Errors are GraphQL's `{"errors": [...]}` with status 200, which gql
    /// raises as `TransportQueryError` and `weave.init` handles.
    func answer(_ body: JSONValue, user: WandbUser) throws -> HTTPResponse {
        let execution = GraphQLExecution(schema: schema(user))
        let answer = try execution.execute(
            query: body["query"]?.stringValue ?? "",
            variables: body["variables"]?.objectValue ?? [:],
            operationName: body["operationName"]?.stringValue)
        return .json(200, answer)
    }

    /// The types and fields the client's three queries read, with the neighbours a hand-written
    /// query would reasonably ask for (ids, `entityName`, `createdAt`).
    private func schema(_ user: WandbUser) -> GraphQLSchema {
        GraphQLSchema(
            types: [
                "Project": ["id": "ID", "name": "String", "entityName": "String", "description": "String", "createdAt": "DateTime"],
                "User": ["id": "ID", "username": "String", "entity": "String", "defaultEntity": "Entity"],
                "Entity": ["id": "ID", "name": "String"],
                "UpsertModelPayload": ["model": "Project", "project": "Project", "inserted": "Boolean"],
            ],
            query: [
                "project": .init(type: "Project", arguments: ["name": "String", "entityName": "String"]) { arguments in
                    let name = try Self.string(arguments["name"], "name") ?? ""
                    let entity = try Self.string(arguments["entityName"], "entityName") ?? user.defaultEntity
                    return try projects.project(entity: entity, name: name)?.graphQL ?? .null
                },
                "viewer": .init(type: "User", arguments: [:]) { _ in user.graphQL },
            ],
            mutation: [
                "upsertModel": .init(type: "UpsertModelPayload", arguments: ["input": "UpsertModelInput!"]) { arguments in
                    try upsertModel(arguments["input"], user: user)
                }
            ])
    }

    /// `upsertModel(input: {id?, name, entityName?, description?, repo?})`: the project named
    /// (in the user's default entity when `entityName` is null), created if missing; a
    /// description given replaces the stored one.
    private func upsertModel(_ input: JSONValue?, user: WandbUser) throws -> JSONValue {
        guard case .object(let fields)? = input else {
            throw GraphQLFieldError(message: "Argument \"input\" of required type \"UpsertModelInput!\" was not provided.")
        }
        let entity = try Self.string(fields["entityName"], "entityName") ?? user.defaultEntity
        let description = try Self.string(fields["description"], "description")
        let name: String
        if let id = try Self.string(fields["id"], "id") {
            guard let existing = try projects.project(id: id) else {
                throw GraphQLFieldError(message: "project not found", code: "NOT_FOUND")
            }
            name = try Self.string(fields["name"], "name") ?? existing.name
        } else {
            guard let given = try Self.string(fields["name"], "name") else {
                throw GraphQLFieldError(message: "must specify a name or id for the project")
            }
            name = given
        }
        if let problem = WeaveProjectStore.nameProblem(name) { throw GraphQLFieldError(message: problem) }
        if entity.isEmpty { throw GraphQLFieldError(message: "entity name must not be empty") }
        let (project, inserted) = try projects.upsert(entity: entity, name: name, description: description)
        return .object(["model": project.graphQL, "project": project.graphQL, "inserted": .bool(inserted)])
    }

    private static func string(_ value: JSONValue?, _ name: String) throws(GraphQLFieldError) -> String? {
        switch value {
        case nil, .null?: return nil
        case .string(let text)?: return text
        default: throw GraphQLFieldError(message: "Argument \"\(name)\" has invalid value: String cannot represent a non string value.")
        }
    }
}

/// The W&B user a credential stands for. evalmock has no accounts: each API key is one user,
/// named from the key's hash (`WeaveAuth`), whose default entity is their personal entity of
/// the same name, as on W&B.
struct WandbUser {
    let id: String
    let username: String

    var defaultEntity: String { username }

    init(_ caller: Caller) {
        id = WeaveAuth.userId(caller)
        username = WeaveAuth.username(caller)
    }

    var graphQL: JSONValue {
        .object([
            "id": .string(id), "username": .string(username), "entity": .string(defaultEntity),
            "defaultEntity": .object(["id": .string(Data("Entity:\(username)".utf8).base64EncodedString()), "name": .string(defaultEntity)]
            ),
        ])
    }
}
