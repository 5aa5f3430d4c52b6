import Foundation

/// Reads a UTF-8 text file as lines, reporting the first invalid line instead of repairing it.
///
/// Lines end at `"\n"`; a `"\r"` before it (CRLF files) is removed too, and a final `"\n"` does not
/// start an extra empty line. Other characters, including tabs and a lone `"\r"`, are kept.
public enum TextLines {
    /// - Throws: `TokenizerError.fileNotFound`, `.unreadableFile`, or `.invalidUTF8` naming the file,
    ///   the 1-based line and the byte offset of the first bad byte within that line.
    public static func read(contentsOf url: URL) throws -> [String] {
        try lines(of: TokenizerFile.data(at: url), file: url.path)
    }

    /// The lines of `data`; `file` names it in errors.
    public static func lines(of data: Data, file: String) throws -> [String] {
        let bytes = [UInt8](data)
        var pieces = bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
        if pieces.last?.isEmpty == true { pieces.removeLast() }
        return try pieces.enumerated().map { index, piece in
            let line = piece.last == 0x0D ? piece.dropLast() : piece
            if let offset = firstInvalidByteOffset(line) {
                throw TokenizerError.invalidUTF8(file: file, line: index + 1, byteOffset: offset)
            }
            return String(decoding: line, as: UTF8.self)
        }
    }

    /// Offset (from the start of `bytes`) of the first byte that does not begin a valid UTF-8
    /// sequence, or nil when all of `bytes` is valid.
    static func firstInvalidByteOffset(_ bytes: ArraySlice<UInt8>) -> Int? {
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var offset = 0
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let scalar): offset += scalar.count
            case .error: return offset
            case .emptyInput: return nil
            }
        }
    }
}
