import CLibevent

#if canImport(Glibc)
    import Glibc
#endif

/// Turns off Nagle's algorithm on a client connection, as uvicorn (asyncio) and most HTTP
/// servers do. evhttp leaves it on; then the last partial segment of a large answer waits for
/// the client's delayed ACK, which added 40 ms to one answer in two of a 1,000-item Scale GP
/// batch (~700 KB) under `wrk`.
enum NoDelay {
    static func enable(onSocket fd: Int32) {
        guard fd >= 0 else { return }
        var on: Int32 = 1
        // Fails harmlessly on a socket that is not TCP.
        _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &on, socklen_t(MemoryLayout<Int32>.size))
    }
}
