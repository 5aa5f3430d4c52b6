import Foundation
import ModelIO

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
    /// - Throws: the archive and array errors of ``NPZArchive`` (`ModelIOError`:
    ///   `unreadableArchive`, `missingArray`, `malformedArray`, `unsupportedArrayType`,
    ///   `wrongArrayShape`, `arrayDataSize`); ``StatisticsError/invalidCount(file:key:value:)``.
    /// - Complexity: O(d²); memory is the Float64 result plus one decompression chunk.
    public static func importNPZ(url: URL) throws -> SecondMoment {
        let archive = try NPZArchive(url: url)
        let sum = try archive.array(npzSumKey, types: ["<f4", "<f8"]) { shape in
            shape.count == 2 && shape[0] == shape[1] && shape[0] >= 1 ? nil : "(d, d) with d ≥ 1"
        }
        let count = try archive.array(npzCountKey, types: ["<i8", "<f8", "<f4"]) { shape in
            shape == [] || shape == [1] ? nil : "() or (1,)"
        }
        let value = count.values[0]
        guard value >= 1, value == value.rounded(), value < 0x1p62 else {
            throw StatisticsError.invalidCount(file: archive.path, key: npzCountKey, value: "\(value)")
        }
        return SecondMoment(validatedDimension: sum.shape[0], sum: sum.values, count: Int(value))
    }
}
