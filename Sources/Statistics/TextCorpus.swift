import Foundation
import ModelIO

/// A text file of documents, read as a stream (never loaded whole), over which layer statistics
/// are computed.
///
/// Formats:
/// - ``Format/lines``: **one document per line** (UTF-8, `\n` or `\r\n` line ends). Lines that
///   are empty or only whitespace are not documents. One line per document keeps the reader a
///   pure line stream whose errors point at one line, and matches corpora exported one record
///   per row (Wikipedia or WikiText dumps with paragraph breaks written as `\n` escapes or
///   spaces).
/// - ``Format/jsonl(field:)``: one JSON object per line, the document being the string value
///   of `field` (EasyEdit's datasets use `text`). Blank lines are skipped; any other line that
///   is not an object with a string `field` is an error.
///
/// Documents are numbered from 0 in file order; the number decides the shard a document belongs
/// to (see ``StatisticsShard``). A UTF-8 byte-order mark at the start of the file is ignored.
///
/// ```swift
/// let corpus = TextCorpus(url: url, format: .jsonl(field: "text"))
/// let reader = try corpus.documents()
/// while let document = try reader.next() { print(document.index, document.text.prefix(40)) }
/// ```
public struct TextCorpus: Sendable, Equatable {
    /// How the file's lines become documents.
    public enum Format: Sendable, Hashable, CustomStringConvertible {
        case lines
        case jsonl(field: String)

        /// `lines` or `jsonl:<field>`, as recorded in statistics files.
        public var description: String {
            switch self {
            case .lines: "lines"
            case .jsonl(let field): "jsonl:\(field)"
            }
        }
    }

    public let url: URL
    public let format: Format

    public init(url: URL, format: Format) {
        self.url = url
        self.format = format
    }

    /// A corpus whose format follows the file extension: `.jsonl` → ``Format/jsonl(field:)``
    /// with `field`, anything else → ``Format/lines``.
    public init(url: URL, jsonField field: String = "text") {
        self.init(url: url, format: url.pathExtension.lowercased() == "jsonl" ? .jsonl(field: field) : .lines)
    }

    /// The file's path, as used in error messages.
    public var path: String { url.path(percentEncoded: false) }

    /// SHA-256 of the file's bytes (what `sha256sum` prints), read in 4 MiB chunks.
    ///
    /// - Throws: ``StatisticsError/unreadableCorpus(file:reason:)``.
    /// - Complexity: one pass over the file.
    public func sha256() throws -> String {
        let stream = try CorpusByteStream(url: url, chunkSize: 4 << 20)
        var hasher = SHA256()
        while let chunk = try stream.nextChunk() { hasher.update(chunk) }
        return hasher.finalize()
    }

    /// A reader of the documents, from the start of the file.
    ///
    /// - Throws: ``StatisticsError/unreadableCorpus(file:reason:)``.
    public func documents() throws -> CorpusReader {
        try CorpusReader(corpus: self)
    }
}

/// One document of a ``TextCorpus``.
public struct CorpusDocument: Sendable, Equatable {
    /// Position among the corpus's documents, from 0.
    public let index: Int
    /// The 1-based line of the file it came from.
    public let line: Int
    public let text: String
}

/// Reads a ``TextCorpus`` document by document; see ``TextCorpus`` for the formats.
public final class CorpusReader {
    private let corpus: TextCorpus
    private let lines: CorpusLineReader
    private var nextIndex = 0

    init(corpus: TextCorpus) throws {
        self.corpus = corpus
        lines = try CorpusLineReader(url: corpus.url)
    }

    /// The next document, or `nil` at the end of the file.
    ///
    /// - Throws: ``StatisticsError/invalidUTF8(file:line:)``,
    ///   ``StatisticsError/malformedJSONLine(file:line:reason:)``,
    ///   ``StatisticsError/missingTextField(file:line:field:)``,
    ///   ``StatisticsError/textFieldNotString(file:line:field:found:)``,
    ///   ``StatisticsError/unreadableCorpus(file:reason:)``.
    public func next() throws -> CorpusDocument? {
        while let (number, bytes) = try lines.next() {
            guard let line = String(validating: bytes, as: UTF8.self) else {
                throw StatisticsError.invalidUTF8(file: corpus.path, line: number)
            }
            if line.allSatisfy(\.isWhitespace) { continue }
            let text = switch corpus.format {
            case .lines: line
            case .jsonl(let field): try Self.text(ofJSON: bytes, field: field, file: corpus.path, line: number)
            }
            defer { nextIndex += 1 }
            return CorpusDocument(index: nextIndex, line: number, text: text)
        }
        return nil
    }

    /// The string `field` of the JSON object on one line.
    private static func text(ofJSON bytes: ArraySlice<UInt8>, field: String, file: String, line: Int) throws -> String {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
        } catch {
            throw StatisticsError.malformedJSONLine(file: file, line: line, reason: "not valid JSON")
        }
        guard let dictionary = object as? [String: Any] else {
            throw StatisticsError.malformedJSONLine(file: file, line: line, reason: "found \(jsonKind(object))")
        }
        guard let value = dictionary[field] else {
            throw StatisticsError.missingTextField(file: file, line: line, field: field)
        }
        guard let text = value as? String else {
            throw StatisticsError.textFieldNotString(file: file, line: line, field: field, found: jsonKind(value))
        }
        return text
    }

    /// A short description of a JSON value for error messages: its type and, for scalars, its
    /// JSON text (at most 40 characters).
    private static func jsonKind(_ value: Any) -> String {
        switch value {
        case is [Any]: return "an array"
        case is [String: Any]: return "an object"
        case is NSNull: return "null"
        default:
            let data = try? JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed])
            let text = data.flatMap { String(data: $0, encoding: .utf8) } ?? "\(value)"
            return text.count > 40 ? String(text.prefix(40)) + "…" : text
        }
    }
}

