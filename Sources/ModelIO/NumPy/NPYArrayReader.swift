import Foundation

/// A numeric `.npy` array read into Float64, in row-major (C) order whatever its file order.
public struct NPYArray: Equatable, Sendable {
    /// `descr` as stored (`<f4`, `<f8` or `<i8`).
    public let descr: String
    public let shape: [Int]
    public let values: [Double]
}

/// Reads one `.npy` array from consecutive chunks (as a zip entry is decompressed), converting
/// the data to Float64 as it arrives, so memory is the result plus one chunk.
///
/// Element types: `<f4`, `<f8` and `<i8` (little-endian Float32, Float64, Int64); callers
/// narrow the set per array. Errors are ``ModelIOError`` cases naming `file` and `key`.
struct NPYArrayReader {
    /// The readable element types, by `descr`.
    enum ElementType: String {
        case float32 = "<f4", float64 = "<f8", int64 = "<i8"

        var byteSize: Int { self == .float32 ? 4 : 8 }
    }

    let file: String
    let key: String
    /// Accepted `descr` values for this array.
    let acceptedTypes: [String]
    /// The entry's total byte count, as the archive declares it.
    let declaredSize: Int
    /// Checks the shape before any data is read; returns the expected shape's description when
    /// the shape is wrong.
    let shapeProblem: ([Int]) -> String?

    private var prelude: [UInt8] = []
    private var header: NPYHeader?
    private var elementType = ElementType.float64
    private var elementSize: Int { elementType.byteSize }
    private var expectedCount = 0
    private var values: [Double] = []
    /// Bytes of an element split across chunks.
    private var carry: [UInt8] = []
    private var dataBytes = 0

    init(file: String, key: String, acceptedTypes: [String], declaredSize: Int,
         shapeProblem: @escaping ([Int]) -> String?) {
        self.file = file
        self.key = key
        self.acceptedTypes = acceptedTypes
        self.declaredSize = declaredSize
        self.shapeProblem = shapeProblem
    }

    /// Feeds the next chunk of the entry.
    mutating func consume(_ chunk: Data) throws {
        guard header != nil else {
            prelude.append(contentsOf: chunk)
            try parsePrelude()
            return
        }
        try convert(chunk)
    }

    /// The array, once every chunk has been consumed.
    ///
    /// - Throws: ``ModelIOError/malformedArray(file:key:reason:)`` when the entry ended inside
    ///   the header; ``ModelIOError/arrayDataSize(file:key:expectedBytes:foundBytes:)`` when it
    ///   ended before the data did.
    func finish() throws -> NPYArray {
        guard let header else {
            throw ModelIOError.malformedArray(file: file, key: key, reason: "ends inside the header")
        }
        let expectedBytes = expectedCount * elementSize
        guard values.count == expectedCount else {
            throw ModelIOError.arrayDataSize(
                file: file, key: key, expectedBytes: expectedBytes, foundBytes: dataBytes)
        }
        let ordered = header.fortranOrder ? Self.rowMajor(fromColumnMajor: values, shape: header.shape) : values
        return NPYArray(descr: header.descr, shape: header.shape, values: ordered)
    }

    private mutating func parsePrelude() throws {
        let parsed: NPYHeader?
        do { parsed = try NPYHeader.parse(prelude) } catch {
            throw ModelIOError.malformedArray(file: file, key: key, reason: error.reason)
        }
        guard let parsed else { return }
        guard acceptedTypes.contains(parsed.descr), let type = ElementType(rawValue: parsed.descr) else {
            throw ModelIOError.unsupportedArrayType(
                file: file, key: key, expected: acceptedTypes, found: parsed.descr)
        }
        if let expected = shapeProblem(parsed.shape) {
            throw ModelIOError.wrongArrayShape(file: file, key: key, expected: expected, found: parsed.shape)
        }
        let size = type.byteSize
        var count = 1
        for extent in parsed.shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: extent)
            guard !overflow, !product.multipliedReportingOverflow(by: size).overflow else {
                throw ModelIOError.malformedArray(file: file, key: key, reason: "shape \(parsed.shape) is too large")
            }
            count = product
        }
        // The archive declares the entry's size: check it before allocating anything.
        let available = declaredSize - parsed.preludeLength
        guard available == count * size else {
            throw ModelIOError.arrayDataSize(
                file: file, key: key, expectedBytes: count * size, foundBytes: available)
        }
        header = parsed
        elementType = type
        expectedCount = count
        values.reserveCapacity(count)
        let rest = Data(prelude[parsed.preludeLength...])
        prelude = []
        try convert(rest)
    }

    /// Converts whole elements of `chunk` (with any carried bytes), carrying a split element.
    private mutating func convert(_ chunk: Data) throws {
        dataBytes += chunk.count
        guard dataBytes <= expectedCount * elementSize else {
            throw ModelIOError.arrayDataSize(
                file: file, key: key, expectedBytes: expectedCount * elementSize, foundBytes: dataBytes)
        }
        var bytes = chunk[...]
        if !carry.isEmpty {
            let needed = elementSize - carry.count
            carry.append(contentsOf: bytes.prefix(needed))
            bytes = bytes.dropFirst(needed)
            guard carry.count == elementSize else { return }
            carry.withUnsafeBytes { append($0, count: 1) }
            carry = []
        }
        let whole = bytes.count / elementSize
        bytes.withUnsafeBytes { append($0, count: whole) }
        carry = Array(bytes.suffix(bytes.count - whole * elementSize))
    }

    /// Appends the first `count` elements of `raw`, converted to Double.
    private mutating func append(_ raw: UnsafeRawBufferPointer, count: Int) {
        switch elementType {
        case .float32:
            for i in 0..<count {
                let bits = UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self))
                values.append(Double(Float(bitPattern: bits)))
            }
        case .float64:
            for i in 0..<count {
                let bits = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self))
                values.append(Double(bitPattern: bits))
            }
        case .int64:
            for i in 0..<count {
                values.append(Double(Int64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * i, as: Int64.self))))
            }
        }
    }

    /// Column-major (Fortran) values of an array of `shape`, reordered row-major.
    static func rowMajor(fromColumnMajor values: [Double], shape: [Int]) -> [Double] {
        guard shape.count >= 2 else { return values }
        // Column-major strides: the first axis varies fastest.
        var strides = [Int](repeating: 1, count: shape.count)
        for axis in 1..<shape.count { strides[axis] = strides[axis - 1] * shape[axis - 1] }
        var result = [Double]()
        result.reserveCapacity(values.count)
        var index = [Int](repeating: 0, count: shape.count)
        for _ in 0..<values.count {
            result.append(values[zip(index, strides).reduce(0) { $0 + $1.0 * $1.1 }])
            var axis = shape.count - 1
            while axis >= 0 {
                index[axis] += 1
                if index[axis] < shape[axis] { break }
                index[axis] = 0
                axis -= 1
            }
        }
        return result
    }
}
