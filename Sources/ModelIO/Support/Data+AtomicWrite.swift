import Foundation

extension Data {
    /// Writes these bytes to `url` through a hidden temporary file beside it (``AtomicOutputFile``:
    /// written, flushed to disk, then renamed over any file at `url`), so a reader sees the old
    /// file or the complete new one and a failed write leaves nothing behind.
    ///
    /// Use this instead of Foundation's `write(to:options: .atomic)`, which on Linux stages the
    /// file in a `TemporaryDirectory.*` folder of the system temporary directory and never
    /// removes that folder.
    ///
    /// - Throws: ``ModelIOError/writeFailed(file:reason:)`` naming `url`, with the system's reason.
    public func writeAtomically(to url: URL) throws {
        let file = try AtomicOutputFile(destination: url)
        try withUnsafeBytes { try file.append($0) }
        try file.finish()
        try file.moveIntoPlace()
    }
}
