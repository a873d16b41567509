/// Decides when replies may leave. With group commit, a request's writes are in an open SQLite
/// transaction when its handler returns; its reply (and every reply that might have read those
/// writes) waits until the transport has run the whole batch of ready requests and the gate has
/// committed them together. Nothing is acknowledged before it is durable.
public protocol ReplyGate: AnyObject {
    /// True while there are uncommitted writes: a reply produced now must be held.
    var mustHoldReplies: Bool { get }
    /// Makes the held replies' writes durable; false when that failed (the writes are gone).
    func releaseHeldReplies() -> Bool
}
