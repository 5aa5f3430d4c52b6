import Foundation

/// Reading a whole file with ModelIO's error.
enum FileContents {
    /// The bytes of the file at `url`.
    ///
    /// - Throws: ``ModelIOError/fileNotReadable(file:reason:)`` naming the file.
    static func read(_ url: URL) throws -> Data {
        do {
            return try Data(contentsOf: url)
        } catch {
            throw ModelIOError.fileNotReadable(file: url.path(percentEncoded: false), reason: ErrorText.reason(error))
        }
    }
}
