import Foundation
import ModelIO

/// Writes output files so that readers see either the old file or the complete new one, never a
/// half-written file (ModelIO's `Data.writeAtomically`: a hidden temporary file beside the
/// destination, renamed over it; removed on failure).
enum AtomicFileWriter {
    /// - Throws: `TokenizerError.writeFailed` naming `url` and the system's reason.
    static func write(_ data: Data, to url: URL) throws {
        do {
            try data.writeAtomically(to: url)
        } catch let ModelIOError.writeFailed(_, reason) {
            throw TokenizerError.writeFailed(file: url.path, reason: reason)
        }
    }
}
