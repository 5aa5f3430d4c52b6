import Foundation
import ModelIO

/// Writes an output file so that readers see either the old file or the complete new one, never a
/// half-written file: `produce` fills a temporary file in the same directory, which is then renamed
/// over `url` (rename(2) is atomic within one file system). The temporary file is removed on failure.
///
/// - Parameters:
///   - url: the final file location.
///   - produce: writes the complete content to the temporary path it is given.
/// - Throws: whatever `produce` throws, or ``ImagingError/writeFailed(path:reason:)`` when the rename fails.
func writeAtomically(to url: URL, _ produce: (_ temporaryPath: String) throws -> Void) throws {
    let directory = url.deletingLastPathComponent()
    let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp")
    let temporaryPath = temporary.path
    do {
        try produce(temporaryPath)
        guard rename(temporaryPath, url.path) == 0 else {
            let reason = String(cString: strerror(errno))
            throw ImagingError.writeFailed(path: url.path, reason: "rename from '\(temporaryPath)': \(reason)")
        }
    } catch {
        unlink(temporaryPath)
        throw error
    }
}

/// Writes `text` as UTF-8 to `url` atomically (see `writeAtomically(to:_:)`).
/// - Throws: ``ImagingError/writeFailed(path:reason:)`` naming the file and the system's reason.
func writeTextAtomically(_ text: String, to url: URL) throws {
    try writeAtomically(to: url) { temporaryPath in
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: temporaryPath))
        } catch {
            throw ImagingError.writeFailed(path: url.path, reason: ErrorText.reason(error))
        }
    }
}
