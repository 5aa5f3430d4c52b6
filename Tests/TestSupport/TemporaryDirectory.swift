import Foundation

/// A fresh directory under the system temporary directory, removed when the value is released.
public final class TemporaryDirectory {
    public let url: URL

    /// Creates `<tmp>/<label>-<UUID>`.
    public init(label: String = "MoKusTests") throws {
        url = FileManager.default.temporaryDirectory.appending(path: "\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    /// Runs `body` with a fresh directory that is removed when `body` returns or throws.
    @discardableResult
    public static func with<Result>(label: String = "MoKusTests", _ body: (URL) throws -> Result) throws -> Result {
        let directory = try TemporaryDirectory(label: label)
        return try withExtendedLifetime(directory) { try body(directory.url) }
    }

    /// `url/name`.
    public func file(_ name: String) -> URL { url.appending(path: name) }

    /// Writes `data` to `name` and returns its URL.
    @discardableResult
    public func write(_ data: Data, to name: String) throws -> URL {
        let target = file(name)
        try data.write(to: target)
        return target
    }

    /// Writes `text` (UTF-8) to `name` and returns its URL.
    @discardableResult
    public func write(_ text: String, to name: String) throws -> URL {
        try write(Data(text.utf8), to: name)
    }

    /// File names in the directory, sorted (hidden temporary files included).
    public func contents() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: url.path(percentEncoded: false)).sorted()
    }
}
