/// One part of a `multipart/form-data` body (RFC 7578): a form field, or a file when it has a
/// filename.
public struct FormPart: Sendable, Equatable {
    public let name: String
    public let filename: String?
    public let contentType: String?
    public let content: [UInt8]
}

/// Reads `multipart/form-data` bodies as browsers and HTTP clients (httpx, requests) write them.
public enum MultipartFormData {
    /// The boundary a `multipart/form-data` Content-Type names; nil for any other type.
    public static func boundary(contentType: String?) -> String? {
        guard let contentType else { return nil }
        let pieces = contentType.split(separator: ";").map { String($0).trimmingWhitespace() }
        guard pieces.first?.lowercased() == "multipart/form-data" else { return nil }
        for piece in pieces.dropFirst() {
            let pair = piece.split(separator: "=", maxSplits: 1).map(String.init)
            guard pair.count == 2, pair[0].trimmingWhitespace().lowercased() == "boundary" else { continue }
            let value = unquote(pair[1].trimmingWhitespace())
            return value.isEmpty ? nil : value
        }
        return nil
    }

    /// The parts in order; nil for a body that is not well-formed (no opening or closing
    /// delimiter, a part without headers or without a `Content-Disposition` name).
    public static func parse(_ body: [UInt8], boundary: String) -> [FormPart]? {
        let delimiter = Array(("--" + boundary).utf8)
        let crlf: [UInt8] = [13, 10]
        guard var position = find(delimiter, in: body, from: 0) else { return nil }
        var parts: [FormPart] = []
        while true {
            position += delimiter.count
            if body[position...].starts(with: [45, 45]) { return parts }  // `--`: the closing delimiter
            // Transport padding, then the line break that ends the delimiter line.
            while position < body.count, body[position] == 32 || body[position] == 9 { position += 1 }
            guard body[position...].starts(with: crlf) else { return nil }
            position += 2
            guard let headerEnd = find(crlf + crlf, in: body, from: position) else { return nil }
            let headers = String(decoding: body[position..<headerEnd], as: UTF8.self)
            let contentStart = headerEnd + 4
            guard let next = find(crlf + delimiter, in: body, from: contentStart) else { return nil }
            guard let part = part(headers: headers, content: Array(body[contentStart..<next])) else { return nil }
            parts.append(part)
            position = next + 2
        }
    }

    private static func part(headers: String, content: [UInt8]) -> FormPart? {
        var name: String?
        var filename: String?
        var contentType: String?
        for line in headers.split(separator: "\r\n") {
            let pair = line.split(separator: ":", maxSplits: 1).map(String.init)
            guard pair.count == 2 else { continue }
            switch pair[0].trimmingWhitespace().lowercased() {
            case "content-disposition":
                for (key, value) in parameters(pair[1]) {
                    if key == "name" { name = value }
                    if key == "filename" { filename = value }
                }
            case "content-type":
                contentType = pair[1].trimmingWhitespace()
            default:
                break
            }
        }
        guard let name else { return nil }
        return FormPart(name: name, filename: filename, contentType: contentType, content: content)
    }

    /// `form-data; name="a"; filename="b.py"`: the parameters after the type, unquoted.
    private static func parameters(_ value: String) -> [(String, String)] {
        var result: [(String, String)] = []
        // Split on `;` outside quotes.
        var pieces: [String] = []
        var current = ""
        var quoted = false
        var escaped = false
        for character in value {
            if escaped { current.append(character); escaped = false; continue }
            if character == "\\" && quoted { current.append(character); escaped = true; continue }
            if character == "\"" { quoted.toggle() }
            if character == ";" && !quoted { pieces.append(current); current = ""; continue }
            current.append(character)
        }
        pieces.append(current)
        for piece in pieces.dropFirst() {
            let pair = piece.split(separator: "=", maxSplits: 1).map(String.init)
            guard pair.count == 2 else { continue }
            result.append((pair[0].trimmingWhitespace().lowercased(), unquote(pair[1].trimmingWhitespace())))
        }
        return result
    }

    private static func unquote(_ text: String) -> String {
        guard text.count >= 2, text.hasPrefix("\""), text.hasSuffix("\"") else { return text }
        var out = ""
        var escaped = false
        for character in text.dropFirst().dropLast() {
            if escaped {
                out.append(character); escaped = false
            } else if character == "\\" {
                escaped = true
            } else {
                out.append(character)
            }
        }
        return out
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count, start <= haystack.count - needle.count else { return nil }
        let first = needle[0]
        var index = start
        let last = haystack.count - needle.count
        while index <= last {
            if haystack[index] == first && haystack[index..<index + needle.count].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }
}
