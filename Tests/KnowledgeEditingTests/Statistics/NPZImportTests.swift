import Foundation
import ModelIO
import Testing
@testable import KnowledgeEditing

@Suite("EasyEdit .npz statistics import")
struct NPZImportTests {
    /// mom2.mom2[i, j] = (8 i + j) / 4 − 3, as make_npz_fixtures.py writes it.
    static let expectedSum = (0..<64).map { Double($0) / 4 - 3 }

    static func fixture(_ name: String) -> URL { TestFiles.fixture("npz/\(name)") }

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
        let saved = directory.url.appending(path: "imported.safetensors")
        try LayerStatistics(moment: moment, provenance: provenance).write(to: saved, dtype: .float32)
        let read = try LayerStatistics.read(from: saved)
        #expect(read.provenance == provenance)
        let loaded = try LayerStatistics.load(
            url: saved, expectedFingerprint: "f00d", module: "model.layers.4.mlp.down_proj", expectedDimension: 8)
        #expect(loaded == moment)
        #expect(loaded.mean.scalars == Self.expectedSum.map { Float($0 / 1234) })
    }

    @Test("broken files give the matching typed error", arguments: [
        ("truncated_data.npz", StatisticsError.arrayDataSize(
            file: "", key: "mom2.mom2", expectedBytes: 256, foundBytes: 244)),
        ("wrong_dtype.npz", StatisticsError.unsupportedArrayType(
            file: "", key: "mom2.mom2", expected: ["<f4", "<f8"], found: "<f2")),
        ("big_endian.npz", StatisticsError.unsupportedArrayType(
            file: "", key: "mom2.mom2", expected: ["<f4", "<f8"], found: ">f4")),
        ("wrong_shape.npz", StatisticsError.wrongArrayShape(
            file: "", key: "mom2.mom2", expected: "(d, d) with d ≥ 1", found: [8, 7])),
        ("missing_count.npz", StatisticsError.missingArray(file: "", key: "mom2.count", available: ["mom2.mom2"])),
        ("zero_count.npz", StatisticsError.invalidCount(file: "", key: "mom2.count", value: "0.0")),
        ("bad_header.npz", StatisticsError.malformedArray(
            file: "", key: "mom2.mom2",
            reason: "header keys [\"descr\", \"fortran_ordeR\", \"shape\"], "
                + "expected ['descr', 'fortran_order', 'shape']")),
    ])
    func brokenFiles(name: String, expected: StatisticsError) throws {
        let url = Self.fixture(name)
        let error = #expect(throws: StatisticsError.self) { try LayerStatistics.importNPZ(url: url) }
        #expect(error == expected.withArchive(url.path(percentEncoded: false)))
    }

    @Test("a truncated or non-zip file is an unreadable archive", arguments: ["truncated_archive.npz", "missing.npz"])
    func unreadableArchive(name: String) throws {
        let url = Self.fixture(name)
        let error = #expect(throws: StatisticsError.self) { try LayerStatistics.importNPZ(url: url) }
        guard case .unreadableArchive(let file, _) = error else {
            Issue.record("expected unreadableArchive, got \(String(describing: error))")
            return
        }
        #expect(file == url.path(percentEncoded: false))
    }
}

@Suite(".npy headers are parsed strictly")
struct NPYHeaderTests {
    /// A version-1 prelude around `header` (a line feed is appended).
    static func prelude(_ header: String, version: UInt8 = 1) -> [UInt8] {
        let text = Array((header + "\n").utf8)
        let length = version == 1 ? [UInt8(text.count & 0xFF), UInt8(text.count >> 8)]
            : [UInt8(text.count & 0xFF), UInt8(text.count >> 8), 0, 0]
        return [0x93] + Array("NUMPY".utf8) + [version, 0] + length + text
    }

    @Test("valid dictionaries: quotes, spacing, trailing commas, scalars")
    func valid() throws {
        let text = "{\"shape\": (), 'fortran_order':False,'descr':'<i8'}  "
        let header = try #require(try NPYHeader.parse(Self.prelude(text)))
        #expect(header.descr == "<i8" && !header.fortranOrder && header.shape == [])
        #expect(header.preludeLength == 10 + text.utf8.count + 1)
        let matrixHeader = "{'descr': '<f4', 'fortran_order': True, 'shape': (3, 4,), }"
        let matrix = try #require(try NPYHeader.parse(Self.prelude(matrixHeader, version: 3)))
        #expect(matrix.shape == [3, 4] && matrix.fortranOrder)
        let cut = Array(Self.prelude("{'descr': '<f4', 'fortran_order': True, 'shape': (3,), }").prefix(20))
        #expect(try NPYHeader.parse(cut) == nil)
    }

    @Test("malformed preludes name the problem", arguments: [
        ("{'descr': '<f4', 'fortran_order': False, 'shape': (3), }", "(3) is not a tuple"),
        ("{'descr': '<f4', 'fortran_order': 0, 'shape': (3,), }", "expected a quoted string"),
        ("{'descr': '<f4', 'shape': (3,), }", "header keys [\"descr\", \"shape\"]"),
        ("{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", "key 'descr' appears twice"),
        ("{'descr': '<f4', 'fortran_order': False, 'shape': (-3,), }", "expected a non-negative integer"),
        ("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), } x", "unexpected text after the dictionary"),
        ("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (3,), }", "expected a quoted string"),
    ])
    func malformed(header: String, reason: String) throws {
        let error = #expect(throws: NPYHeader.FormatError.self) { try NPYHeader.parse(Self.prelude(header)) }
        #expect(error?.reason.hasPrefix(reason) == true, "\(String(describing: error))")
    }

    @Test("wrong magic, version or line end")
    func framing() throws {
        var noMagic = Self.prelude("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }")
        noMagic[1] = UInt8(ascii: "X")
        #expect(throws: NPYHeader.FormatError(reason: "no \\x93NUMPY magic")) { try NPYHeader.parse(noMagic) }
        #expect(throws: NPYHeader.FormatError(reason: "format version 4.0, expected 1.0, 2.0 or 3.0")) {
            try NPYHeader.parse(Self.prelude("{}", version: 4))
        }
        var noNewline = Self.prelude("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }")
        noNewline[noNewline.count - 1] = UInt8(ascii: " ")
        #expect(throws: NPYHeader.FormatError(reason: "header does not end with a line feed")) {
            try NPYHeader.parse(noNewline)
        }
    }

    @Test("column-major data is reordered row-major")
    func fortranOrder() {
        // [[1, 2, 3], [4, 5, 6]] stored column by column.
        #expect(NPYArrayReader.rowMajor(fromColumnMajor: [1, 4, 2, 5, 3, 6], shape: [2, 3]) == [1, 2, 3, 4, 5, 6])
        // A 2×2×2 array a[i][j][k] = 4i + 2j + k, stored with i fastest.
        let columnMajor: [Double] = [0, 4, 2, 6, 1, 5, 3, 7]
        #expect(NPYArrayReader.rowMajor(fromColumnMajor: columnMajor, shape: [2, 2, 2]) == (0..<8).map(Double.init))
    }
}

extension StatisticsError {
    /// The same archive error for another file.
    func withArchive(_ file: String) -> StatisticsError {
        switch self {
        case let .missingArray(_, key, available): .missingArray(file: file, key: key, available: available)
        case let .malformedArray(_, key, reason): .malformedArray(file: file, key: key, reason: reason)
        case let .unsupportedArrayType(_, key, expected, found):
            .unsupportedArrayType(file: file, key: key, expected: expected, found: found)
        case let .wrongArrayShape(_, key, expected, found):
            .wrongArrayShape(file: file, key: key, expected: expected, found: found)
        case let .arrayDataSize(_, key, expected, found):
            .arrayDataSize(file: file, key: key, expectedBytes: expected, foundBytes: found)
        case let .invalidCount(_, key, value): .invalidCount(file: file, key: key, value: value)
        default: self
        }
    }
}
