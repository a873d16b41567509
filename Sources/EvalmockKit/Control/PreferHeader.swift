import Foundation

/// Prism's `Prefer` request header (`Prefer: code=429`, `Prefer: delay=250`, or both,
/// comma-separated). Other preferences (`return=minimal`, Prism's `example=`) are ignored, as
/// RFC 7240 asks of preferences a server does not support.
struct PreferHeader: Equatable {
    /// A forced status, 400–599 (codes outside are not errors evalmock can force: ignored).
    var code: Int?
    var delayMilliseconds = 0

    /// The longest delay honoured; a longer one would outlast the client's own timeouts.
    static let maxDelayMilliseconds = 60_000

    init?(_ headers: HTTPHeaders) {
        let values = headers.values("Prefer")
        guard !values.isEmpty else { return nil }
        for value in values {
            for preference in value.split(separator: ",") {
                let parts = preference.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                guard parts.count == 2, let number = Int(parts[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))) else {
                    continue
                }
                switch parts[0].lowercased() {
                case "code" where (400...599).contains(number): code = number
                case "delay" where number > 0: delayMilliseconds = min(number, Self.maxDelayMilliseconds)
                default: continue
                }
            }
        }
        if code == nil && delayMilliseconds == 0 { return nil }
    }
}
