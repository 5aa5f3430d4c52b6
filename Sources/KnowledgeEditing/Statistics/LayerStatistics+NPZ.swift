import Foundation
import ZIPFoundation

extension LayerStatistics {
    /// The npz key of EasyEdit's (and ROME/MEMIT's) un-normalised sum Σ k kᵀ.
    public static let npzSumKey = "mom2.mom2"
    /// The npz key of the token count.
    public static let npzCountKey = "mom2.count"

    /// Reads an EasyEdit / ROME / MEMIT layer-statistics cache file
    /// (`…/wikipedia_stats/<layer>_float32_mom2_100000.npz`): the d×d sum `mom2.mom2` and the
    /// token count `mom2.count`. Other arrays (`mom2.constructor`, `sample_size`) are ignored.
    ///
    /// An `.npz` file is a zip archive (stored or deflated) of `.npy` arrays named `<key>.npy`.
    /// `mom2.mom2` must be a square 2-D array of `<f4` or `<f8`; `mom2.count` a scalar or
    /// one-element array of `<i8`, `<f8` or `<f4` holding a positive whole number. Fortran-ordered
    /// arrays are reordered. The npz records no model, so check that it belongs to your model
    /// before use (its d at least: see ``load(url:expectedFingerprint:module:expectedDimension:)``
    /// after saving it with a ``StatisticsProvenance``).
    ///
    /// - Throws: ``StatisticsError/unreadableArchive(file:reason:)`` for a file that is not a zip
    ///   archive or whose entry fails to decompress or to match its checksum;
    ///   ``StatisticsError/missingArray(file:key:available:)``;
    ///   ``StatisticsError/malformedArray(file:key:reason:)`` for a broken `.npy` header;
    ///   ``StatisticsError/unsupportedArrayType(file:key:expected:found:)``;
    ///   ``StatisticsError/wrongArrayShape(file:key:expected:found:)``;
    ///   ``StatisticsError/arrayDataSize(file:key:expectedBytes:foundBytes:)`` for truncated data;
    ///   ``StatisticsError/invalidCount(file:key:value:)``.
    /// - Complexity: O(d²); memory is the Float64 result plus one decompression chunk.
    public static func importNPZ(url: URL) throws -> SecondMoment {
        let path = url.path(percentEncoded: false)
        let archive: Archive
        do { archive = try Archive(url: url, accessMode: .read) } catch {
            throw StatisticsError.unreadableArchive(file: path, reason: "\(error)")
        }
        let sum = try readArray(npzSumKey, from: archive, path: path, types: ["<f4", "<f8"]) { shape in
            shape.count == 2 && shape[0] == shape[1] && shape[0] >= 1 ? nil : "(d, d) with d ≥ 1"
        }
        let count = try readArray(npzCountKey, from: archive, path: path, types: ["<i8", "<f8", "<f4"]) { shape in
            shape == [] || shape == [1] ? nil : "() or (1,)"
        }
        let value = count.values[0]
        guard value >= 1, value == value.rounded(), value < 0x1p62 else {
            throw StatisticsError.invalidCount(file: path, key: npzCountKey, value: "\(value)")
        }
        return SecondMoment(validatedDimension: sum.shape[0], sum: sum.values, count: Int(value))
    }

    /// The array `<key>.npy` of `archive`, read through ``NPYArrayReader``.
    private static func readArray(
        _ key: String, from archive: Archive, path: String, types: [String],
        shapeProblem: @escaping ([Int]) -> String?
    ) throws -> NPYArray {
        guard let entry = archive["\(key).npy"] else {
            let available = archive.map(\.path).map { $0.hasSuffix(".npy") ? String($0.dropLast(4)) : $0 }.sorted()
            throw StatisticsError.missingArray(file: path, key: key, available: available)
        }
        guard let declaredSize = Int(exactly: entry.uncompressedSize) else {
            throw StatisticsError.unreadableArchive(
                file: path, reason: "entry \(key).npy declares \(entry.uncompressedSize) bytes")
        }
        var reader = NPYArrayReader(
            file: path, key: key, acceptedTypes: types, declaredSize: declaredSize, shapeProblem: shapeProblem)
        do {
            _ = try archive.extract(entry) { chunk in try reader.consume(chunk) }
        } catch let error as StatisticsError {
            throw error
        } catch {
            throw StatisticsError.unreadableArchive(file: path, reason: "entry \(key).npy: \(error)")
        }
        return try reader.finish()
    }
}
