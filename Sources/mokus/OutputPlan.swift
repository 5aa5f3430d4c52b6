import ArgumentParser
import Foundation

/// The files and folders a command will write, checked before it computes anything and removed
/// again when it fails after writing some of them, so a failed run leaves nothing half-useful
/// beside it (an edits file without the model it belongs to, latents without their image).
///
/// Checked up front: every path is non-empty, no two options name the same path, each path's
/// folder exists, and a folder output (`--save-model`) does not exist yet.
struct OutputPlan {
    /// One planned output: the option that names it and its path.
    struct Output {
        var option: String
        var path: String
        var isFolder = false
    }

    private let outputs: [Output]
    /// Outputs that existed before the run (replaced atomically, never removed).
    private let existing: Set<String>

    /// Checks `outputs` (options left out are `nil` paths and skipped).
    /// - Throws: `ValidationError` naming the option.
    init(_ outputs: [Output?]) throws {
        let planned = outputs.compactMap { $0 }
        var seen: [String: String] = [:]
        for output in planned {
            guard !output.path.isEmpty else { throw ValidationError("\(output.option): the path is empty.") }
            let key = URL(fileURLWithPath: output.path).standardizedFileURL.path(percentEncoded: false)
            if let other = seen[key] {
                throw ValidationError("\(other) and \(output.option) name the same path \(output.path); give each its own.")
            }
            seen[key] = output.option
            let parent = URL(fileURLWithPath: output.path).deletingLastPathComponent().path(percentEncoded: false)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: parent, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw ValidationError("\(output.option): the folder \(parent) does not exist.")
            }
            if FileManager.default.fileExists(atPath: output.path, isDirectory: &isDirectory) {
                if output.isFolder { throw ValidationError("\(output.option): \(output.path) already exists; choose a new directory.") }
                if isDirectory.boolValue { throw ValidationError("\(output.option): \(output.path) is a folder; name a file.") }
            }
        }
        self.outputs = planned
        existing = Set(planned.map(\.path).filter { FileManager.default.fileExists(atPath: $0) })
    }

    /// Runs `body`; when it throws, removes the planned outputs it created (and the `extra`
    /// files it reports through `written`, such as numbered per-batch files) before rethrowing.
    func run<T>(_ body: (_ written: (URL) -> Void) throws -> T) throws -> T {
        var extra: [URL] = []
        do {
            return try body { extra.append($0) }
        } catch {
            for output in outputs where !existing.contains(output.path) {
                try? FileManager.default.removeItem(atPath: output.path)
            }
            for url in extra where !existing.contains(url.path(percentEncoded: false)) { try? FileManager.default.removeItem(at: url) }
            throw error
        }
    }
}
