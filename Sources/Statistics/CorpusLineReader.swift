import Foundation
import ModelIO

/// A file read in fixed-size chunks; read errors become ``StatisticsError/unreadableCorpus(file:reason:)``.
final class CorpusByteStream {
    let path: String
    private let handle: FileHandle
    private let chunkSize: Int

    init(url: URL, chunkSize: Int) throws {
        path = url.path(percentEncoded: false)
        self.chunkSize = chunkSize
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw StatisticsError.unreadableCorpus(file: path, reason: "no such file")
        }
        guard !isDirectory.boolValue else {
            throw StatisticsError.unreadableCorpus(file: path, reason: "is a directory")
        }
        do { handle = try FileHandle(forReadingFrom: url) } catch {
            throw StatisticsError.unreadableCorpus(file: path, reason: ErrorText.reason(error))
        }
    }

    deinit { try? handle.close() }

    /// The next chunk of at most `chunkSize` bytes, or `nil` at the end of the file.
    func nextChunk() throws -> Data? {
        do {
            guard let data = try handle.read(upToCount: chunkSize), !data.isEmpty else { return nil }
            return data
        } catch {
            throw StatisticsError.unreadableCorpus(file: path, reason: ErrorText.reason(error))
        }
    }
}

/// Splits a file into lines (on `\n`, dropping a `\r` before it and a UTF-8 byte-order mark at
/// the start), holding one 1 MiB chunk plus the current line in memory.
final class CorpusLineReader {
    private let stream: CorpusByteStream
    /// Bytes read but not yet returned; `start` is the first unreturned byte.
    private var buffer: [UInt8] = []
    private var start = 0
    private var atEnd = false
    private var lineNumber = 0

    init(url: URL, chunkSize: Int = 1 << 20) throws {
        stream = try CorpusByteStream(url: url, chunkSize: chunkSize)
    }

    /// The next line's 1-based number and bytes (without the line end), or `nil` after the last.
    func next() throws -> (Int, ArraySlice<UInt8>)? {
        var searchFrom = start
        while true {
            if let newline = buffer[searchFrom...].firstIndex(of: UInt8(ascii: "\n")) {
                return emit(start..<newline, resumeAt: newline + 1)
            }
            searchFrom = buffer.count
            if atEnd {
                guard start < buffer.count else { return nil }
                return emit(start..<buffer.count, resumeAt: buffer.count)
            }
            if let chunk = try stream.nextChunk() {
                // Drop the returned prefix before growing, so memory stays one chunk plus one line.
                if start > 0 {
                    buffer.removeFirst(start)
                    searchFrom -= start
                    start = 0
                }
                buffer.append(contentsOf: chunk)
            } else {
                atEnd = true
            }
        }
    }

    private func emit(_ range: Range<Int>, resumeAt next: Int) -> (Int, ArraySlice<UInt8>) {
        lineNumber += 1
        var line = buffer[range]
        if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
        if lineNumber == 1, line.starts(with: [0xEF, 0xBB, 0xBF]) { line = line.dropFirst(3) }
        start = next
        return (lineNumber, line)
    }
}
