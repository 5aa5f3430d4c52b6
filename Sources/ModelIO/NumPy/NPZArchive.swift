import Foundation
import ZIPFoundation

/// A NumPy `.npz` file opened for reading: a zip archive (stored or deflated, as `numpy.savez`
/// and `numpy.savez_compressed` write it) of `.npy` arrays named `<key>.npy`.
///
/// ```swift
/// let archive = try NPZArchive(url: url)
/// let sum = try archive.array("mom2.mom2", types: ["<f4", "<f8"]) { shape in
///     shape.count == 2 && shape[0] == shape[1] ? nil : "(d, d)"
/// }
/// ```
public struct NPZArchive {
    private let archive: Archive
    /// The file's path, as errors name it.
    public let path: String

    /// Opens the archive.
    /// - Throws: ``ModelIOError/unreadableArchive(file:reason:)`` for a missing file or one that
    ///   is not a zip archive.
    public init(url: URL) throws {
        path = url.path(percentEncoded: false)
        do { archive = try Archive(url: url, accessMode: .read) } catch {
            throw ModelIOError.unreadableArchive(file: path, reason: "\(error)")
        }
    }

    /// Array `key` (the entry `<key>.npy`), converted to Float64 as it is decompressed, so memory
    /// is the result plus one chunk. Fortran-ordered arrays are reordered row-major.
    ///
    /// - Parameters:
    ///   - types: the accepted `descr` values, among `<f4`, `<f8` and `<i8`.
    ///   - shapeProblem: checks the shape before any data is read; returns the expected shape's
    ///     description when the shape is wrong, `nil` when it is right.
    /// - Throws: ``ModelIOError/missingArray(file:key:available:)``;
    ///   ``ModelIOError/malformedArray(file:key:reason:)`` for a broken `.npy` header;
    ///   ``ModelIOError/unsupportedArrayType(file:key:expected:found:)``;
    ///   ``ModelIOError/wrongArrayShape(file:key:expected:found:)``;
    ///   ``ModelIOError/arrayDataSize(file:key:expectedBytes:foundBytes:)`` for truncated data;
    ///   ``ModelIOError/unreadableArchive(file:reason:)`` for an entry that fails to decompress or
    ///   to match its checksum.
    public func array(_ key: String, types: [String], shapeProblem: @escaping ([Int]) -> String?) throws -> NPYArray {
        guard let entry = archive["\(key).npy"] else {
            let available = archive.map(\.path).map { $0.hasSuffix(".npy") ? String($0.dropLast(4)) : $0 }.sorted()
            throw ModelIOError.missingArray(file: path, key: key, available: available)
        }
        guard let declaredSize = Int(exactly: entry.uncompressedSize) else {
            throw ModelIOError.unreadableArchive(
                file: path, reason: "entry \(key).npy declares \(entry.uncompressedSize) bytes")
        }
        var reader = NPYArrayReader(
            file: path, key: key, acceptedTypes: types, declaredSize: declaredSize, shapeProblem: shapeProblem)
        do {
            _ = try archive.extract(entry) { chunk in try reader.consume(chunk) }
        } catch let error as ModelIOError {
            throw error
        } catch {
            throw ModelIOError.unreadableArchive(file: path, reason: "entry \(key).npy: \(error)")
        }
        return try reader.finish()
    }
}
