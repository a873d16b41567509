import Foundation
import Logging

/// The front of the server: what a test controls and observes around the emulated APIs.
///
///     request → control API pipeline (`/_evalmock/…`, `ControlAPI`)
///             | namespace → fault rule / `Prefer` → API pipeline → journal → response
///
/// A forced error is answered in the dialect of the API the path belongs to, before the
/// pipeline runs, so nothing is stored for it. A delay only postpones the sending of the
/// answer (the transport's timer), never the event loop.
final class ControlledEmulator {
    private let namespaces: NamespaceRegistry
    private let journal: RequestJournal
    private let faults: FaultRuleBook
    /// The control API's own pipeline: one for the server, whichever namespace a request names.
    private let control: RequestPipeline
    private let log: Logger
    private let accessLog: AccessLog

    init(
        namespaces: NamespaceRegistry, journal: RequestJournal, faults: FaultRuleBook, control: RequestPipeline,
        logLevel: Logger.Level, accessLog: AccessLog
    ) {
        self.namespaces = namespaces
        self.journal = journal
        self.faults = faults
        self.control = control
        var log = Logger(label: "evalmock.pipeline")
        log.logLevel = logLevel
        self.log = log
        self.accessLog = accessLog
    }

    /// Answers one request and writes its access-log line (method, path, status, ms).
    func respond(to request: HTTPRequest) -> HTTPResponse {
        let started = DispatchTime.now().uptimeNanoseconds
        var response = ControlAPI.owns(request.path) ? control.respond(to: request) : emulate(request, started: started)
        // The API's replies carry their API's 500 for a failed group commit; evalmock's own
        // (an invalid namespace) get evalmock's.
        if response.ifNotCommitted == nil { response.ifNotCommitted = { ControlErrorDialect().internalError(CommitFailure()) } }
        if accessLog.isEnabled {
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - started) / 1_000_000
            var status: Int? = response.status
            if case .dropConnection = response.delivery { status = nil }
            accessLog.record(method: request.method, path: request.path, status: status, milliseconds: elapsed)
        }
        return response
    }

    /// A request the transport could not read: answered in the dialect of the API its path
    /// belongs to, or in evalmock's own JSON when it has no path or a control endpoint's. It is
    /// not journaled (it never became a request), but it is logged.
    func respond(toUnreadable request: UnreadableRequest) -> HTTPResponse {
        let response: HTTPResponse
        if let path = request.path, !ControlAPI.owns(path) {
            response = namespaces.main.pipeline.respond(toUnreadable: request, path: path)
        } else {
            response = ControlErrorDialect.failure(request.problem.status, Self.controlErrorCode(request.problem), request.problem.message)
        }
        log.info(
            "request",
            metadata: [
                "method": .string(request.method ?? "-"), "path": .string(request.path ?? "-"),
                "status": .string(String(response.status)), "problem": .string(request.problem.message),
            ])
        return response
    }

    private static func controlErrorCode(_ problem: UnreadableRequest.Problem) -> String {
        switch problem {
        case .malformedRequestLine: return "malformed_request_line"
        case .malformedHeader: return "malformed_header"
        case .exceeded(.uriBytes): return "uri_too_long"
        case .exceeded: return "header_fields_too_large"
        case .bodyBytes: return "payload_too_large"
        case .expectation: return "expectation_failed"
        }
    }

    private func emulate(_ request: HTTPRequest, started: UInt64) -> HTTPResponse {
        let namespace: String
        switch NamespaceRegistry.select(request) {
        case .namespace(let name): namespace = name
        case .invalid(let name):
            return ControlErrorDialect.failure(
                400, "invalid_namespace",
                "\(NamespaceRegistry.header) '\(name)' must be 1 to \(NamespaceRegistry.maxNameLength) letters, digits, '-' or '_'")
        }
        let instance: EmulatorInstance
        do {
            instance = try namespaces.instance(namespace)
        } catch {
            log.error("namespace \(namespace) cannot be opened: \(error)")
            return ControlErrorDialect.failure(500, "namespace_unavailable", "namespace '\(namespace)' cannot be opened: \(error)")
        }
        let rule: FaultRule?
        do {
            rule = try faults.consume(namespace: namespace, method: request.method, path: request.path)
        } catch {
            log.error("fault rules unavailable: \(error)")
            rule = nil
        }
        // What a fault rule, else `Prefer`, asks of this request.
        var forcedBy: String?
        var delay = 0
        var forcedStatus: Int?
        var retryAfter: String?
        var drops = false
        if let rule {
            forcedBy = "rule \(rule.id)"
            (delay, forcedStatus, retryAfter, drops) = (rule.delayMilliseconds, rule.status, rule.retryAfter, rule.dropsConnection)
        } else if let prefer = PreferHeader(request.headers) {
            (delay, forcedStatus) = (prefer.delayMilliseconds, prefer.code)
            if forcedStatus != nil { forcedBy = "prefer" }
        }
        var api: EmulatedAPI?
        var response: HTTPResponse
        if drops {
            response = HTTPResponse(status: 0)
            response.delivery = .dropConnection(afterMilliseconds: delay)
        } else if let forcedStatus {
            let owner = instance.pipeline.owningAPI(of: request)
            api = owner
            response = owner.errorDialect.forcedError(status: forcedStatus)
            response.ifNotCommitted = RequestPipeline.uncommitted(owner)
            if let retryAfter { response.headers.set("Retry-After", retryAfter) }
        } else {
            (response, api) = instance.pipeline.respondWithOwner(to: request)
        }
        if delay > 0, response.delivery == .immediate { response.delivery = .delayed(milliseconds: delay) }
        let handled = Double(DispatchTime.now().uptimeNanoseconds - started) / 1_000_000
        do {
            try journal.record(
                RequestJournal.Entry(
                    namespace: namespace, api: (api ?? instance.pipeline.owningAPI(of: request)).name, request: request,
                    response: drops ? nil : response,
                    durationMilliseconds: handled + Double(delay), forcedBy: forcedBy))
        } catch {
            log.error("journal write failed: \(error)")
        }
        return response
    }
}
