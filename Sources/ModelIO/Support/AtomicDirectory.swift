import Foundation

/// Writing a whole folder so that a reader sees the old folder or the new one, never a mix.
///
/// `produce` fills a hidden staging sibling (`.NAME.partial-UUID`), which is then renamed to the
/// destination; an existing destination is first renamed aside (`.NAME.old-UUID`), put back if the
/// second rename fails, and removed once the new folder is in place. Whatever fails, the staging
/// folder is removed and the destination keeps its previous contents.
public enum AtomicDirectory {
    /// Writes the folder `destination` through `produce`.
    ///
    /// - Throws: what `produce` throws, or ``ModelIOError/writeFailed(file:reason:)`` naming
    ///   `destination` when the staging folder cannot be created or a rename fails.
    public static func write(_ destination: URL, _ produce: (_ staging: URL) throws -> Void) throws {
        let manager = FileManager.default
        let path = destination.path(percentEncoded: false)
        let parent = destination.deletingLastPathComponent()
        let name = destination.lastPathComponent
        let staging = parent.appending(path: ".\(name).partial-\(UUID().uuidString)")
        do {
            do {
                try manager.createDirectory(at: staging, withIntermediateDirectories: true)
            } catch {
                throw ModelIOError.writeFailed(file: path, reason: "cannot create '\(staging.path(percentEncoded: false))': \(ErrorText.reason(error))")
            }
            try produce(staging)
            var aside: URL?
            if manager.fileExists(atPath: path) {
                let old = parent.appending(path: ".\(name).old-\(UUID().uuidString)")
                guard rename(path, old.path(percentEncoded: false)) == 0 else {
                    throw ModelIOError.writeFailed(file: path, reason: "cannot move the existing folder aside: \(lastError())")
                }
                aside = old
            }
            guard rename(staging.path(percentEncoded: false), path) == 0 else {
                let reason = lastError()
                if let aside { _ = rename(aside.path(percentEncoded: false), path) }
                throw ModelIOError.writeFailed(file: path, reason: "cannot rename the new folder into place: \(reason)")
            }
            if let aside { try? manager.removeItem(at: aside) }
        } catch {
            try? manager.removeItem(at: staging)
            throw error
        }
    }

    private static func lastError() -> String { String(cString: strerror(errno)) }
}
