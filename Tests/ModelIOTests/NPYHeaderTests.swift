import Testing
@testable import ModelIO

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
