import Testing
import Tensors

/// Expects `actual` to equal the Float64 reference `expected` within `relative`·max|expected|
/// (max-norm relative error over the whole tensor).
func expectClose(_ actual: Tensor, _ expected: [Double], relative: Double = 1e-5,
                 sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(actual.count == expected.count, sourceLocation: sourceLocation)
    let scale = max(expected.map(Swift.abs).max() ?? 0, 1e-30)
    let error = zip(actual.scalars, expected).map { Swift.abs(Double($0) - $1) }.max() ?? 0
    #expect(error / scale <= relative, "max error \(error) relative to \(scale)", sourceLocation: sourceLocation)
}
