import Foundation
import ModelIO
import Testing
import TestSupport
@testable import Statistics

@Suite("Corpus reading: plain text and JSONL, streamed, with typed errors")
struct TextCorpusTests {
    let directory: TemporaryDirectory

    init() throws {
        directory = try TemporaryDirectory()
    }

    func documents(_ corpus: TextCorpus) throws -> [CorpusDocument] {
        let reader = try corpus.documents()
        var documents: [CorpusDocument] = []
        while let document = try reader.next() { documents.append(document) }
        return documents
    }

    func file(_ bytes: [UInt8], _ name: String) throws -> URL {
        let url = directory.file(name)
        try Data(bytes).write(to: url)
        return url
    }

    @Test("plain text: one document per line; blank lines skipped; CRLF, BOM and a missing final newline")
    func plainText() throws {
        let url = try file([0xEF, 0xBB, 0xBF] + Array("first\r\n\n  \nsecond line\nthird".utf8), "corpus.txt")
        let read = try documents(TextCorpus(url: url, format: .lines))
        #expect(read == [
            CorpusDocument(index: 0, line: 1, text: "first"), CorpusDocument(index: 1, line: 4, text: "second line"),
            CorpusDocument(index: 2, line: 5, text: "third"),
        ])
    }

    @Test("JSONL: the configured field; blank lines skipped; the format follows the extension")
    func jsonl() throws {
        let text = "{\"body\": \"é \\\"quoted\\\"\", \"id\": 1}\n\n{\"body\": \"\"}\n"
        let url = try directory.write(text, to: "corpus.jsonl")
        let corpus = TextCorpus(url: url, jsonField: "body")
        #expect(corpus.format == .jsonl(field: "body"))
        #expect(corpus.format.description == "jsonl:body")
        #expect(try documents(corpus) == [
            CorpusDocument(index: 0, line: 1, text: "é \"quoted\""), CorpusDocument(index: 1, line: 3, text: ""),
        ])
        #expect(TextCorpus(url: directory.file("a.txt")).format == .lines)
    }

    @Test("lines longer than the read chunk and chunk-straddling line ends", arguments: [1, 2, 3, 7, 64])
    func chunkBoundaries(chunkSize: Int) throws {
        let lines = ["a", "", String(repeating: "long ", count: 40), "é€😀", "x"]
        let url = try directory.write(lines.joined(separator: "\r\n"), to: "chunks.txt")
        let reader = try CorpusLineReader(url: url, chunkSize: chunkSize)
        var read: [String] = []
        while let (_, bytes) = try reader.next() { read.append(String(decoding: bytes, as: UTF8.self)) }
        #expect(read == lines)
    }

    @Test("the corpus hash is the SHA-256 of the file's bytes")
    func hash() throws {
        let text = String(repeating: "some text\n", count: 1000)
        let url = try directory.write(text, to: "hash.txt")
        #expect(try TextCorpus(url: url, format: .lines).sha256() == SHA256.hex(of: Data(text.utf8)))
    }

    @Test("invalid UTF-8 names the file and the line")
    func invalidUTF8() throws {
        let url = try file(Array("good\n".utf8) + [0x66, 0xC3, 0x28, 0x0A], "bad.txt")
        let path = url.path(percentEncoded: false)
        #expect(throws: StatisticsError.invalidUTF8(file: path, line: 2)) {
            try documents(TextCorpus(url: url, format: .lines))
        }
    }

    @Test("malformed JSONL lines name the file, the line and the problem", arguments: [
        ("{\"text\": ", StatisticsError.malformedJSONLine(file: "", line: 2, reason: "not valid JSON")),
        ("[\"text\"]", StatisticsError.malformedJSONLine(file: "", line: 2, reason: "found an array")),
        ("42", StatisticsError.malformedJSONLine(file: "", line: 2, reason: "found 42")),
        ("{\"title\": \"x\"}", StatisticsError.missingTextField(file: "", line: 2, field: "text")),
        ("{\"text\": 42}", StatisticsError.textFieldNotString(file: "", line: 2, field: "text", found: "42")),
        ("{\"text\": null}", StatisticsError.textFieldNotString(file: "", line: 2, field: "text", found: "null")),
        ("{\"text\": {\"a\": 1}}",
         StatisticsError.textFieldNotString(file: "", line: 2, field: "text", found: "an object")),
    ])
    func malformedJSONL(line: String, expected: StatisticsError) throws {
        let url = try directory.write("{\"text\": \"fine\"}\n\(line)\n", to: "bad.jsonl")
        let path = url.path(percentEncoded: false)
        let error = #expect(throws: StatisticsError.self) {
            try documents(TextCorpus(url: url, format: .jsonl(field: "text")))
        }
        #expect(error == expected.withFile(path))
        #expect(error?.description.hasPrefix("\(path):2: ") == true)
    }

    @Test("a missing file or a directory is unreadable")
    func unreadable() throws {
        let missing = directory.file("absent.txt")
        let missingPath = missing.path(percentEncoded: false)
        #expect(throws: StatisticsError.unreadableCorpus(file: missingPath, reason: "no such file")) {
            try TextCorpus(url: missing, format: .lines).sha256()
        }
        let folder = directory.url.path(percentEncoded: false)
        #expect(throws: StatisticsError.unreadableCorpus(file: folder, reason: "is a directory")) {
            try TextCorpus(url: directory.url, format: .lines).documents()
        }
    }
}

extension StatisticsError {
    /// The same corpus error for another file.
    func withFile(_ file: String) -> StatisticsError {
        switch self {
        case let .malformedJSONLine(_, line, reason): .malformedJSONLine(file: file, line: line, reason: reason)
        case let .missingTextField(_, line, field): .missingTextField(file: file, line: line, field: field)
        case let .textFieldNotString(_, line, field, found):
            .textFieldNotString(file: file, line: line, field: field, found: found)
        default: self
        }
    }
}
