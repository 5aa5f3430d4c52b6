/// The header ("prelude") of a NumPy `.npy` array, parsed strictly.
///
/// Layout (numpy `lib/format.py`, format versions 1.0, 2.0 and 3.0): the magic bytes
/// `\x93NUMPY`; a major and a minor version byte (1, 2 or 3; 0); the header length, a
/// little-endian `UInt16` in version 1 and `UInt32` in versions 2 and 3; then the header: a
/// Python dictionary literal with exactly the keys `descr` (a type string such as `'<f4'`),
/// `fortran_order` (`True`/`False`) and `shape` (a tuple of non-negative integers, `()` for a
/// scalar, `(n,)` for one axis), padded with spaces and ended by a line feed. Versions 1 and 2
/// encode the header in Latin-1, version 3 in UTF-8. The data follows, in the order the header
/// says, with no trailing bytes.
struct NPYHeader: Equatable {
    /// The `descr` type string, e.g. `<f4`.
    let descr: String
    let fortranOrder: Bool
    let shape: [Int]
    /// Bytes before the data: magic, version, length field and header.
    let preludeLength: Int

    /// Why a prelude is malformed.
    struct FormatError: Error, Equatable {
        let reason: String
    }

    private static let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)

    /// Parses the prelude at the start of `bytes`.
    ///
    /// - Returns: `nil` when `bytes` ends before the prelude does (read more and call again).
    /// - Throws: ``FormatError`` describing the first violation.
    static func parse(_ bytes: [UInt8]) throws(FormatError) -> NPYHeader? {
        guard bytes.count >= 10 else {
            guard bytes.starts(with: magic.prefix(bytes.count)) else {
                throw FormatError(reason: "no \\x93NUMPY magic")
            }
            return nil
        }
        guard bytes.starts(with: magic) else { throw FormatError(reason: "no \\x93NUMPY magic") }
        let (major, minor) = (bytes[6], bytes[7])
        guard (1...3).contains(major), minor == 0 else {
            throw FormatError(reason: "format version \(major).\(minor), expected 1.0, 2.0 or 3.0")
        }
        let lengthBytes = major == 1 ? 2 : 4
        guard bytes.count >= 8 + lengthBytes else { return nil }
        let headerLength = bytes[8..<(8 + lengthBytes)].reversed().reduce(0) { $0 << 8 | Int($1) }
        let preludeLength = 8 + lengthBytes + headerLength
        guard bytes.count >= preludeLength else { return nil }
        let headerBytes = bytes[(8 + lengthBytes)..<preludeLength]
        guard headerBytes.last == UInt8(ascii: "\n") else {
            throw FormatError(reason: "header does not end with a line feed")
        }
        let text: String
        if major == 3 {
            guard let utf8 = String(validating: headerBytes, as: UTF8.self) else {
                throw FormatError(reason: "header is not valid UTF-8")
            }
            text = utf8
        } else {
            text = String(headerBytes.map { Character(Unicode.Scalar($0)) })  // Latin-1
        }
        var parser = PythonLiteralParser(text)
        let dictionary = try parser.parseHeaderDictionary()
        return try NPYHeader(dictionary, preludeLength: preludeLength)
    }

    /// Checks the dictionary's keys and value types.
    private init(_ dictionary: [String: PythonLiteralParser.Value], preludeLength: Int) throws(FormatError) {
        let keys = dictionary.keys.sorted()
        guard keys == ["descr", "fortran_order", "shape"] else {
            throw FormatError(reason: "header keys \(keys), expected ['descr', 'fortran_order', 'shape']")
        }
        guard case .string(let descr) = dictionary["descr"] else {
            throw FormatError(reason: "'descr' is not a string")
        }
        guard case .bool(let fortranOrder) = dictionary["fortran_order"] else {
            throw FormatError(reason: "'fortran_order' is not True or False")
        }
        guard case .tuple(let shape) = dictionary["shape"] else { throw FormatError(reason: "'shape' is not a tuple") }
        self.descr = descr
        self.fortranOrder = fortranOrder
        self.shape = shape
        self.preludeLength = preludeLength
    }
}

/// The subset of Python literal syntax that `.npy` headers use: a dictionary of quoted string
/// keys whose values are quoted strings, `True`/`False`, or tuples of non-negative integers;
/// trailing commas and spaces allowed, nothing else (no escapes, no nesting beyond that).
struct PythonLiteralParser {
    enum Value: Equatable {
        case string(String)
        case bool(Bool)
        case tuple([Int])
    }

    private let scalars: [Unicode.Scalar]
    private var position = 0

    init(_ text: String) {
        scalars = Array(text.unicodeScalars)
    }

    /// The dictionary, followed only by spaces and the final line feed.
    mutating func parseHeaderDictionary() throws(NPYHeader.FormatError) -> [String: Value] {
        skipSpaces()
        try expect("{")
        var dictionary: [String: Value] = [:]
        while true {
            skipSpaces()
            if take("}") { break }
            let key = try parseString()
            skipSpaces()
            try expect(":")
            skipSpaces()
            guard dictionary.updateValue(try parseValue(), forKey: key) == nil else {
                throw failure("key '\(key)' appears twice")
            }
            skipSpaces()
            if take("}") { break }
            try expect(",")
        }
        skipSpaces()
        guard position == scalars.count - 1, scalars[position] == "\n" else {
            throw failure("unexpected text after the dictionary")
        }
        return dictionary
    }

    private mutating func parseValue() throws(NPYHeader.FormatError) -> Value {
        if take("True") { return .bool(true) }
        if take("False") { return .bool(false) }
        if take("(") { return .tuple(try parseTupleRest()) }
        return .string(try parseString())
    }

    /// After `(`: integers separated by commas; one element needs a trailing comma.
    private mutating func parseTupleRest() throws(NPYHeader.FormatError) -> [Int] {
        var elements: [Int] = []
        var trailingComma = false
        while true {
            skipSpaces()
            if take(")") { break }
            elements.append(try parseInteger())
            skipSpaces()
            trailingComma = take(",")
            if !trailingComma {
                try expect(")")
                break
            }
        }
        guard elements.count != 1 || trailingComma else { throw failure("(\(elements[0])) is not a tuple") }
        return elements
    }

    private mutating func parseInteger() throws(NPYHeader.FormatError) -> Int {
        var value = 0
        let start = position
        while position < scalars.count, ("0"..."9").contains(scalars[position]) {
            let digit = Int(scalars[position].value - Unicode.Scalar("0").value)
            let (product, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = product.addingReportingOverflow(digit)
            guard !overflow1, !overflow2 else { throw failure("shape extent too large") }
            value = sum
            position += 1
        }
        guard position > start else { throw failure("expected a non-negative integer") }
        return value
    }

    private mutating func parseString() throws(NPYHeader.FormatError) -> String {
        guard position < scalars.count, scalars[position] == "'" || scalars[position] == "\"" else {
            throw failure("expected a quoted string")
        }
        let quote = scalars[position]
        position += 1
        var text = String.UnicodeScalarView()
        while position < scalars.count, scalars[position] != quote {
            guard scalars[position] != "\\", scalars[position] != "\n" else {
                throw failure("unsupported character in a string")
            }
            text.append(scalars[position])
            position += 1
        }
        guard position < scalars.count else { throw failure("unterminated string") }
        position += 1
        return String(text)
    }

    private mutating func skipSpaces() {
        while position < scalars.count, scalars[position] == " " { position += 1 }
    }

    /// Consumes `token` if the text continues with it.
    private mutating func take(_ token: String) -> Bool {
        let tokenScalars = Array(token.unicodeScalars)
        guard scalars.count - position >= tokenScalars.count,
              Array(scalars[position..<(position + tokenScalars.count)]) == tokenScalars else { return false }
        position += tokenScalars.count
        return true
    }

    private mutating func expect(_ token: String) throws(NPYHeader.FormatError) {
        guard take(token) else { throw failure("expected '\(token)'") }
    }

    private func failure(_ reason: String) -> NPYHeader.FormatError {
        NPYHeader.FormatError(reason: "\(reason) at header character \(position)")
    }
}
