import Foundation
import ModelIO
import Tensors

/// Paths and readers of the committed generator fixtures (Fixtures/SCHEMA.md, made by
/// Fixtures/make_fixtures.py with diffusers).
enum GeneratorFixtures {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appending(path: "Fixtures")
    static let repository = directory.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func url(_ name: String) -> URL { directory.appending(path: name) }

    /// Every tensor of a reference file, as Float32.
    static func tensors(_ name: String) throws -> [String: Tensor] {
        let file = try SafetensorsFile(url: url(name))
        return try Dictionary(uniqueKeysWithValues: file.names.map { ($0, try file.tensor(named: $0)) })
    }

    /// A JSON fixture file.
    static func json(_ name: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: url(name))) as! [String: Any]
    }
}

/// max|a − b| / max|b|: the relative error measure of the parity tests.
func relativeError(_ a: Tensor, _ b: Tensor) -> Float {
    precondition(a.shape == b.shape, "shapes \(a.shape) and \(b.shape) differ")
    let (x, y) = (a.scalars, b.scalars)
    let scale = y.map(abs).max() ?? 0
    let worst = zip(x, y).map { abs($0 - $1) }.max() ?? 0
    return worst / max(scale, .leastNormalMagnitude)
}
