import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One-line wording of errors that Foundation and the JSON parser raise, for the `reason` of the
/// project's typed errors: never Foundation's debug text (`Error Domain=NSCocoaErrorDomain
/// Code=513 … UserInfo={…}`), never a bare "The operation could not be completed".
public enum ErrorText {
    /// The system's reason for a filesystem error (`No such file or directory`, `Permission
    /// denied`), from the POSIX error underneath a `CocoaError`; other errors as they describe
    /// themselves, on one line.
    public static func reason(_ error: any Error) -> String {
        let ns = error as NSError
        if let underlying = (ns.userInfo[NSUnderlyingErrorKey] as? any Error).map({ $0 as NSError }),
           underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        if ns.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(ns.code))) }
        if error is CocoaError || type(of: error) == NSError.self {
            let text = (ns.userInfo[NSDebugDescriptionErrorKey] as? String) ?? ns.localizedFailureReason ?? ns.localizedDescription
            return oneLine(text.replacingOccurrences(of: "The operation could not be completed. ", with: ""))
        }
        return oneLine("\(error)")
    }

    /// Why `data` is not valid JSON, with the line and column the parser stopped at
    /// (`line 3, column 7: Invalid value`), from the character offset JSONSerialization reports.
    public static func json(_ error: any Error, in data: Data) -> String {
        let ns = error as NSError
        let debug = (ns.userInfo[NSDebugDescriptionErrorKey] as? String)
            ?? ((ns.userInfo[NSUnderlyingErrorKey] as? NSError)?.userInfo[NSDebugDescriptionErrorKey] as? String)
            ?? reason(error)
        guard let range = debug.range(of: #"character \d+"#, options: .regularExpression),
              let offset = Int(debug[range].dropFirst("character ".count)) else { return oneLine(debug) }
        let (line, column) = position(ofByte: offset, in: data)
        let message = debug.replacingOccurrences(of: #" around (line \d+, column \d+|character \d+)\.?"#, with: "", options: .regularExpression)
        return "line \(line), column \(column): " + oneLine(message)
    }

    /// The 1-based line and column of byte `offset` in `data` (columns count bytes).
    static func position(ofByte offset: Int, in data: Data) -> (line: Int, column: Int) {
        var line = 1, column = 1
        for byte in data.prefix(max(0, offset)) {
            if byte == UInt8(ascii: "\n") { line += 1; column = 1 } else { column += 1 }
        }
        return (line, column)
    }

    /// `text` on one line, at most 300 characters.
    static func oneLine(_ text: String) -> String {
        let flat = text.split(whereSeparator: \.isNewline).joined(separator: " ")
        return flat.count <= 300 ? flat : String(flat.prefix(297)) + "..."
    }
}
