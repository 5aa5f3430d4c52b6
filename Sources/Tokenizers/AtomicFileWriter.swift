import Foundation

/// Writes output files so that readers see either the old file or the complete new one, never a
/// half-written file: the bytes go to a hidden temporary file in the destination's directory, which
/// is then renamed over the destination (rename(2) is atomic within one file system). The temporary
/// file is removed on failure.
enum AtomicFileWriter {
    /// - Throws: `TokenizerError.writeFailed` naming `url` and the system's reason.
    static func write(_ data: Data, to url: URL) throws {
        let suffix = String(UInt64.random(in: 0...UInt64.max), radix: 36)
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp-\(suffix)")
        do {
            try data.write(to: temporary)
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw TokenizerError.writeFailed(file: url.path, reason: error.localizedDescription)
        }
        guard rename(temporary.path, url.path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw TokenizerError.writeFailed(file: url.path, reason: "rename from '\(temporary.path)': \(reason)")
        }
    }
}
