import CLibevent

/// The request line of the request a connection is reading, copied from its input buffer
/// before libevent consumes it. libevent 2.1 keeps neither the name of a method it does not
/// know (it records only "unknown") nor anything of a request line it rejects, and it frees
/// the target of any request it fails to read; this copy is what lets such a request be
/// answered in the dialect of the API its path belongs to.
struct RequestLine: Equatable {
    /// The line without its end (CRLF or LF), or what has arrived of it.
    var bytes: [UInt8]
    /// Its end has arrived; otherwise `bytes` is the start of a line that is still coming.
    var complete: Bool
    /// Bytes the whole line has (`bytes` may hold fewer: see `ConnectionGuard`).
    var length: Int

    init(bytes: [UInt8], complete: Bool, length: Int? = nil) {
        self.bytes = bytes
        self.complete = complete
        self.length = length ?? bytes.count
    }

    /// The line split as libevent's `evhttp_parse_request_line` splits it: trailing spaces
    /// dropped, the method up to the first space, the version after the last one.
    struct Parts {
        var method: String
        var target: String
        var version: String
    }

    var parts: Parts? {
        var line = bytes[...]
        while line.last == UInt8(ascii: " ") { line = line.dropLast() }
        guard let firstSpace = line.firstIndex(of: UInt8(ascii: " ")) else { return nil }
        let method = line[..<firstSpace]
        let rest = line[(firstSpace + 1)...]
        guard complete, bytes.count == length else {
            // The version is not here: the target runs to the next space, or to what there is.
            let target = rest.prefix { $0 != UInt8(ascii: " ") }
            return Parts(method: String(decoding: method, as: UTF8.self), target: String(decoding: target, as: UTF8.self), version: "")
        }
        guard let lastSpace = rest.lastIndex(of: UInt8(ascii: " ")), lastSpace > rest.startIndex else { return nil }
        return Parts(
            method: String(decoding: method, as: UTF8.self),
            target: String(decoding: rest[..<lastSpace], as: UTF8.self),
            version: String(decoding: rest[(lastSpace + 1)...], as: UTF8.self))
    }

    /// The method, if the line starts with an RFC 9110 token followed by a space.
    var method: String? {
        guard let method = parts?.method, !method.isEmpty, method.utf8.allSatisfy(Self.isTokenCharacter) else { return nil }
        return method
    }

    /// The target's path (as sent, still percent-encoded), when it has one: an origin-form
    /// target (`/a/b?q`) or an absolute one (`http://host/a/b`).
    var path: String? {
        guard let target = parts?.target else { return nil }
        if target.hasPrefix("/") { return String(target.prefix { $0 != "?" && $0 != "#" }) }
        for scheme in ["http://", "https://"] where target.lowercased().hasPrefix(scheme) {
            let afterScheme = target.dropFirst(scheme.count)
            guard let slash = afterScheme.firstIndex(of: "/") else { return "/" }
            return String(afterScheme[slash...].prefix { $0 != "?" && $0 != "#" })
        }
        return nil
    }

    /// Why libevent 2.1 rejects this complete line, in its order of checks; nil if it accepts it.
    var problem: String? {
        var length = bytes.count
        while length > 0, bytes[length - 1] == UInt8(ascii: " ") { length -= 1 }
        guard length >= "GET / HTTP/1.0".utf8.count, let parts else { return "Malformed request line" }
        guard Self.isSupportedVersion(parts.version) else { return "Unsupported HTTP version '\(parts.version)'" }
        // libevent parses a CONNECT target as an authority, every other as a URI.
        let parsed = parts.method == "CONNECT" ? nil : evhttp_uri_parse_with_flags(parts.target, UInt32(EVHTTP_URI_NONCONFORMANT))
        guard parts.method == "CONNECT" || parsed != nil else { return "Malformed request target" }
        if let parsed { evhttp_uri_free(parsed) }
        return nil
    }

    /// `sscanf(version, "HTTP/%d.%d%c")` matching exactly two numbers, the major one at most 1.
    private static func isSupportedVersion(_ version: String) -> Bool {
        guard version.hasPrefix("HTTP/") else { return false }
        let numbers = version.dropFirst(5).split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard numbers.count == 2, let major = Int(numbers[0]), Int(numbers[1]) != nil else { return false }
        return major <= 1
    }

    private static func isTokenCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }
}
