import Foundation
import ModelIO

/// A filesystem error from Foundation, said in one line: the path and the system's reason.
struct FileSystemError: Error, CustomStringConvertible, Equatable {
    var path: String?
    var reason: String

    var description: String { (path.map { "\($0): " } ?? "") + reason }

    /// The one-line form of `error` when Foundation raised it (`CocoaError`, `POSIXError`, or a
    /// bare `NSError`, whose descriptions carry `Error Domain=… UserInfo={…}` debug text); `nil`
    /// for the project's own typed errors, which already say what they mean.
    init?(_ error: any Error) {
        guard error is CocoaError || error is POSIXError || type(of: error) == NSError.self else { return nil }
        let ns = error as NSError
        path = ns.userInfo[NSFilePathErrorKey] as? String ?? (ns.userInfo[NSURLErrorKey] as? URL)?.path(percentEncoded: false)
        reason = ErrorText.reason(error)
    }
}
