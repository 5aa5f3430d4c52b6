import Foundation
import ModelIO
import Statistics
import TestSupport
import Testing

@Suite("EasyEdit .npz statistics import")
struct NPZImportTests {
    /// mom2.mom2[i, j] = (8 i + j) / 4 − 3, as make_npz_fixtures.py writes it.
    static let expectedSum = (0..<64).map { Double($0) / 4 - 3 }

    static func fixture(_ name: String) -> URL {
        URL(filePath: #filePath).deletingLastPathComponent().appending(path: "Fixtures/npz/\(name)")
    }

    @Test("numpy's savez, savez_compressed, Fortran order, .npy v2/v3 and a (1,) count all read the same", arguments: [
        "mom2_f32.npz", "mom2_f64_compressed.npz", "mom2_fortran.npz", "mom2_npy_v2.npz", "mom2_npy_v3.npz",
        "mom2_count_shape1.npz",
    ])
    func goodFiles(name: String) throws {
        let moment = try LayerStatistics.importNPZ(url: Self.fixture(name))
        #expect(moment.dimension == 8)
        #expect(moment.count == 1234)
        #expect(moment.sum == Self.expectedSum)
    }

    @Test("an imported npz saved as a statistics file loads back for its model")
    func roundTrip() throws {
        let url = Self.fixture("mom2_f32.npz")
        let moment = try LayerStatistics.importNPZ(url: url)
        let provenance = StatisticsProvenance(
            modelFingerprint: "f00d", module: "model.layers.4.mlp.down_proj",
            corpusSHA256: SHA256.hex(of: try Data(contentsOf: url)), corpusFormat: "npz", budget: nil,
            documentCount: nil, shard: nil)
        let directory = try TemporaryDirectory()
        let saved = directory.file("imported.safetensors")
        try LayerStatistics(moment: moment, provenance: provenance).write(to: saved, dtype: .float32)
        let read = try LayerStatistics.read(from: saved)
        #expect(read.provenance == provenance)
        let loaded = try LayerStatistics.load(
            url: saved, expectedFingerprint: "f00d", module: "model.layers.4.mlp.down_proj", expectedDimension: 8)
        #expect(loaded == moment)
        #expect(loaded.mean.scalars == Self.expectedSum.map { Float($0 / 1234) })
    }

    @Test("broken files give the matching typed error", arguments: [
        ("truncated_data.npz", ModelIOError.arrayDataSize(
            file: "", key: "mom2.mom2", expectedBytes: 256, foundBytes: 244)),
        ("wrong_dtype.npz", ModelIOError.unsupportedArrayType(
            file: "", key: "mom2.mom2", expected: ["<f4", "<f8"], found: "<f2")),
        ("big_endian.npz", ModelIOError.unsupportedArrayType(
            file: "", key: "mom2.mom2", expected: ["<f4", "<f8"], found: ">f4")),
        ("wrong_shape.npz", ModelIOError.wrongArrayShape(
            file: "", key: "mom2.mom2", expected: "(d, d) with d ≥ 1", found: [8, 7])),
        ("missing_count.npz", ModelIOError.missingArray(file: "", key: "mom2.count", available: ["mom2.mom2"])),
        ("bad_header.npz", ModelIOError.malformedArray(
            file: "", key: "mom2.mom2",
            reason: "header keys [\"descr\", \"fortran_ordeR\", \"shape\"], "
                + "expected ['descr', 'fortran_order', 'shape']")),
    ])
    func brokenFiles(name: String, expected: ModelIOError) throws {
        let url = Self.fixture(name)
        let error = #expect(throws: ModelIOError.self) { try LayerStatistics.importNPZ(url: url) }
        #expect(error == expected.withArchive(url.path(percentEncoded: false)))
    }

    @Test("a zero token count is refused")
    func zeroCount() throws {
        let url = Self.fixture("zero_count.npz")
        #expect(throws: StatisticsError.invalidCount(file: url.path(percentEncoded: false), key: "mom2.count", value: "0.0")) {
            try LayerStatistics.importNPZ(url: url)
        }
    }

    @Test("a truncated or non-zip file is an unreadable archive", arguments: ["truncated_archive.npz", "missing.npz"])
    func unreadableArchive(name: String) throws {
        let url = Self.fixture(name)
        let error = #expect(throws: ModelIOError.self) { try LayerStatistics.importNPZ(url: url) }
        guard case .unreadableArchive(let file, _) = error else {
            Issue.record("expected unreadableArchive, got \(String(describing: error))")
            return
        }
        #expect(file == url.path(percentEncoded: false))
    }
}

extension ModelIOError {
    /// The same archive error for another file.
    func withArchive(_ file: String) -> ModelIOError {
        switch self {
        case let .missingArray(_, key, available): .missingArray(file: file, key: key, available: available)
        case let .malformedArray(_, key, reason): .malformedArray(file: file, key: key, reason: reason)
        case let .unsupportedArrayType(_, key, expected, found):
            .unsupportedArrayType(file: file, key: key, expected: expected, found: found)
        case let .wrongArrayShape(_, key, expected, found):
            .wrongArrayShape(file: file, key: key, expected: expected, found: found)
        case let .arrayDataSize(_, key, expected, found):
            .arrayDataSize(file: file, key: key, expectedBytes: expected, foundBytes: found)
        default: self
        }
    }
}
