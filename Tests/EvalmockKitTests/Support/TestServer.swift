import EvalmockAPIs
import Foundation

@testable import EvalmockKit

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A real evalmock on an ephemeral port, its event loop on a background thread.
final class TestServer {
    let server: EvalmockServer
    let port: Int
    private let thread: Thread
    private let finished = DispatchSemaphore(value: 0)

    static var repositoryRoot: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().path
    }

    init(databasePath: String = ":memory:", configure: (inout ServerConfiguration) -> Void = { _ in }) throws {
        var configuration = ServerConfiguration()
        configuration.apis = EmulatedAPIs.all
        configuration.port = 0
        configuration.databasePath = databasePath
        configuration.openAPIDirectory = TestServer.repositoryRoot + "/openapi"
        configuration.logLevel = .warning
        configure(&configuration)
        server = try EvalmockServer(configuration: configuration)
        port = try server.bind()
        let server = self.server
        let finished = self.finished
        thread = Thread {
            server.run()
            finished.signal()
        }
        thread.start()
    }

    func stop() {
        server.stop()
        finished.wait()
    }

    struct Response {
        let status: Int
        let headers: [String: String]
        let body: Data

        var json: JSONValue { (try? JSONParser.parse(Array(body))) ?? .null }
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    /// Sends one request and waits for the answer.
    func request(_ method: String, _ path: String, body: String? = nil, headers: [String: String] = ["Authorization": "Bearer ak_test"])
        -> Response
    {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        request.httpMethod = method
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        if let body {
            request.httpBody = Data(body.utf8)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var result = Response(status: 0, headers: [:], body: Data())
        URLSession.shared.dataTask(with: request) { data, response, _ in
            let http = response as? HTTPURLResponse
            var headers: [String: String] = [:]
            for (key, value) in http?.allHeaderFields ?? [:] {
                headers[String(describing: key).lowercased()] = String(describing: value)
            }
            result = Response(status: http?.statusCode ?? 0, headers: headers, body: data ?? Data())
            done.signal()
        }.resume()
        done.wait()
        return result
    }
}
